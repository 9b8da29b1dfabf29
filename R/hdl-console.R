# hdl()'s console output, byte for byte as GenomicSEM prints it: a header, then per cell a
# blank line, the SNP coverage of each trait (diagonal cells) and progress counters redrawn
# with backspaces. Printed once the Rust side is done; silenced by
# options(genomicsemrs.verbose = FALSE).

hdl_cat <- function(...) if (isTRUE(getOption("genomicsemrs.verbose", TRUE))) cat(...)

hdl_header <- function() {
  hdl_cat("GenomicSEM multivariable HDL function, based on the original implmentation of HDL please cite: Ning, Pawitan & Shen, Nature Genetics (2020)")
}

# A counter redrawn in place: each message preceded by backspaces over the previous one.
hdl_progress <- function(messages) {
  previous <- c(0L, nchar(messages[-length(messages)]))
  paste0(strrep("\b", previous), messages, collapse = "")
}

hdl_coverage <- function(k1, n_panel, percent, name) {
  hdl_cat(k1, "out of", n_panel, percent, "SNPs in reference panel are available in the GWAS of",
          name, " \n")
  if (k1 < n_panel * 0.99) {
    hdl_cat("Warning: More than 1% SNPs in reference panel are missed in the GWAS. This may generate bias in estimation. Please make sure that you are using correct reference panel.  \n")
  }
}

hdl_cell_output <- function(cell, n_cells, n_pieces, jackknife) {
  value <- round(seq_len(n_pieces) / n_pieces * 100)
  out <- hdl_progress(paste0("Estimation for cell: ", cell, " out of: ", n_cells,
                             " cells is ongoing ... ", value, "%"))
  if (jackknife) {
    out <- paste0(out, "Continuing computing standard error with jackknife \n",
                  hdl_progress(paste0("Progress... ", value, "%")))
  }
  hdl_cat(out, sep = "")
}
