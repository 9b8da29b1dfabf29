# The log of s_ldsc(), line for line as GenomicSEM writes it, from the figures Rust returns.

sldsc_log_header <- function(log, begin, k, n.blocks, trait.names, ld) {
  log_write(log, "Analysis started at", begin)
  if (k > 18) {
    n.blocks <- ((k + 1) * (k + 2)) / 2 + 1
    log_write(log, "     ", print = FALSE)
    log_write(log, "Setting the number of blocks used to perform the block jacknife used to estimate the sampling covariance matrix (V) to ", n.blocks)
    log_write(log, "This reflects the need to estimate V using at least one more block then their are nonredundant elements in the genetic covariance matrix that includes individual SNPs.")
    log_write(log, "If the n.blocks is > 1000 you should carefully inspect output for any strange results, such as extremely significant Q_SNP estimates.")
    log_write(log, "     ", print = FALSE)
  }
  log_write(log, "The following traits are being analyzed analyzed:", trait.names, "\n")
  log_write(log, "The following annotations were added to the model: ")
  log_write(log, ld)
}

sldsc_liability <- function(sample.prev, population.prev) {
  (population.prev^2 * (1 - population.prev)^2) /
    (sample.prev * (1 - sample.prev) * stats::dnorm(stats::qnorm(1 - population.prev))^2)
}

sldsc_log_body <- function(log, result, traits, wld, sample.prev, population.prev) {
  ld_order <- result$ld_order
  log_write(log, "\n", "Reading in LD scores from ", paste0(ld_order[1], ".[1-22]"), "\n")
  for (extra in ld_order[-1]) {
    log_write(log, "Reading in LD scores from ", paste0(extra, ".[1-22]"), "\n")
  }
  log_write(log, "LD scores contain ", result$n_ld_snps, " SNPs and ", result$n_annotations_read,
            " annotations", "\n")
  log_write(log, "Reading in weighted LD scores from ", paste0(wld, ".[1-22]"), "\n")
  log_write(log, "Weighted LD scores contain ", result$n_weight_snps, " SNPs", "\n", " ")
  log_write(log, "Reading in annotation files. This step may take a few minutes.")
  tr <- result$traits
  k <- length(traits)
  for (j in seq_len(k)) {
    log_write(log, "Read in summary statistics [", j, "/", k, "] from: ", traits[j])
    log_write(log, "Out of ", tr$rows_read[j], " SNPs, ", tr$rows_merged[j],
              " remain after merging with LD-score files")
    log_write(log, "Removing ", tr$rows_removed[j], " SNPs with Chi^2 > ", tr$chisq_max[j], "; ",
              tr$rows_used[j], " remain")
  }
  cells <- result$cells
  for (s in seq_along(cells$a)) {
    a <- cells$a[s]
    b <- cells$b[s]
    int <- cells$intercept[s]
    int_se <- cells$intercept_se[s]
    if (a == b) {
      mean_chi <- cells$mean_stat[s]
      if (result$liability_converted[a]) {
        cf <- sldsc_liability(sample.prev[a], population.prev[a])
        log_write(log, "Liability h2:", round(cells$total[s] * cf, 4), "(",
                  round(cells$total_se[s] * cf, 4), ")", "\n")
      } else {
        log_write(log, "h2:", round(cells$total[s], 4), "(", round(cells$total_se[s], 4), ")", "\n")
      }
      log_write(log, "Lambda GC:", round(cells$median_chi2[s] / 0.4549, 4))
      log_write(log, "Mean Chi^2:", round(mean_chi, 4))
      log_write(log, "Intercept: ", round(int, 4), "(", round(int_se, 4), ")")
      log_write(log, "Ratio: ", round((int - 1) / (mean_chi - 1), 4), "(",
                round(int_se / (mean_chi - 1), 4), ")")
      log_write(log, "Partitioning the heritability over the annotations")
    } else {
      log_write(log, cells$n_snps[s], " SNPs remain after merging ", traits[a], " and ", traits[b],
                " summary statistics")
      log_write(log, "Results for covariance between:", traits[a], "and", traits[b])
      log_write(log, "Mean Z*Z:", round(cells$mean_stat[s], 4))
      log_write(log, "Cross trait Intercept: ", round(int, 4), "(", round(int_se, 4), ")")
      log_write(log, "cov_g:", round(cells$total[s], 4), "(", round(cells$total_se[s], 4), ")")
      log_write(log, "Partitioning the genetic covariance over the annotations")
    }
  }
}
