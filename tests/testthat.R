library(testthat)
library(genomicsemrs)

test_check("genomicsemrs")
