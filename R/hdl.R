#' Multivariable high-definition likelihood (HDL) for Genomic SEM
#'
#' Drop-in replacement for GenomicSEM's `hdl()`: the genetic covariance matrix `S` of the
#' traits and its sampling covariance `V` from the HDL likelihood (Ning, Pawitan & Shen,
#' Nature Genetics 2020) over a pre-computed LD reference panel, as input for [usermodel()]
#' and the other model functions. The panel files are read in R (`load()` into local
#' environments); the per-piece likelihoods are minimised in Rust with R's own L-BFGS-B
#' routine (see Details).
#'
#' `LD.path` is an HDL reference-panel folder: `UKB_snp_counter*` (`nsnps.list`, the SNP
#' count of each piece per chromosome), `UKB_snp_list*` (`snps.name.list`; the imputed panels'
#' `nsnps.list.imputed` and `snps.list.imputed.vector` are used when present) and, per piece
#' `p` of chromosome `c`, `chr<c>.<p>*.rda` (objects `LDsc`, `lam`, `V`) and `chr<c>.<p>*.bim`.
#'
#' With `method = "piecewise"` (the default) each piece is fitted on its own: `S` sums the
#' pieces' estimates, `I` averages their intercepts and `V` comes from the leave-one-piece-out
#' sums. With `method = "jackknife"` (HDL's own default) `S` and `I` come from a genome-wide
#' fit and `V` from its leave-one-piece-out refits. Heritabilities are bounded to `[0, 1]`
#' (intercepts `[0, 10]`), covariances to `[-1, 1]` (intercepts `[-10, 10]`).
#'
#' The minimiser is R's L-BFGS-B (`lbfgsb()` of R's C API), called as GenomicSEM's
#' `optim(method = "L-BFGS-B")` calls it, with the same finite-difference gradients:
#' GenomicSEM's estimates are where that search stops (its relative tolerance of about 2e-9 on
#' the likelihood leaves each piece's estimate about 1e-3 of its value from the exact
#' optimum), so only the same search reproduces them to 1e-6. Console lines are printed as
#' GenomicSEM prints them (silence them with `options(genomicsemrs.verbose = FALSE)`); like
#' GenomicSEM, `hdl()` writes no log file. The points of each finite-difference gradient are
#' evaluated in parallel (`options(genomicsemrs.threads = )`, see [genomicsemrs_sitrep()]);
#' results do not depend on the number of threads.
#'
#' @section Differences from GenomicSEM:
#' * Piece files are matched by the piece number followed by a non-digit, so pieces 10 and
#'   above work (GenomicSEM's pattern `chr1.1.*rda` also matched `chr1.10...`, loading two
#'   files at once). A piece listed in the counter file without its .rda or .bim file, or
#'   with several, is an error naming the piece and the folder (class
#'   `genomicsemrs_error_hdl_panel`), as is a piece whose LD scores, eigenvectors and bim
#'   file disagree in size.
#' * Chromosomes with no piece are skipped (GenomicSEM looped over `1:0` and failed), and
#'   the counter file may list fewer than 22 chromosomes.
#' * A trait with fewer than half of the panel's SNPs is an error giving the percentage
#'   (class `genomicsemrs_error_hdl_input`); the panel probably does not match the summary
#'   statistics. Between 50% and 99% the run continues with GenomicSEM's printed warning
#'   line (printed with `cat()`, not a `warning()`, as GenomicSEM does).
#' * `sample.prev` and `population.prev` must be `NA` or have one value per trait
#'   (GenomicSEM silently used `NA` for traits beyond a shorter vector); trait names must be
#'   one per trait.
#' * Summary statistics with panel SNPs lacking N or A2 are an error naming the file
#'   (GenomicSEM's optimiser stopped on non-finite values). A1 is not needed.
#' * The jackknife method's fallback starting values for a genome-wide covariance fit that
#'   does not converge use the genome-wide heritabilities (GenomicSEM referred to undefined
#'   `h11`/`h22` and stopped), and a success on the last fallback start is kept.
#' * .bim alleles are read as text (R's `read.table()` turned a column of only T and F into
#'   logicals, flipping those SNPs).
#' * Liability scaling works with a single trait (`diag()` of one value).
#' * Kept as in GenomicSEM: with `trait.names = NULL`, `S` has no column names (a typo in
#'   GenomicSEM left them unset) and the coverage line names no trait; only `S` has column
#'   names; `complete` is a `1 x k` character matrix such as `"(99.48%)"`; one trait only
#'   warns; trait names containing "-" warn.
#'
#' @param traits Paths of munged summary-statistics files (columns `SNP`, `N`, `A2` and `Z`,
#'   or `b` and `se`; see [munge()]).
#' @param sample.prev,population.prev Sample and population prevalences, one per trait (`NA`
#'   for continuous traits), for liability-scale `S` and `V`; a single `NA` (the default) for
#'   none.
#' @param trait.names Column names of `S` (default none, as in GenomicSEM).
#' @param LD.path Folder of the HDL LD reference panel.
#' @param Nref Sample size of the reference panel (335265 for the UK Biobank panels).
#' @param method `"piecewise"` or `"jackknife"`.
#' @return A list as GenomicSEM returns it: `V` (`k(k+1)/2` square sampling covariance of the
#'   lower triangle of `S`, column by column), `S` (`k x k` genetic covariances, heritabilities
#'   on the diagonal), `I` (`k x k` intercepts) and `complete` (`1 x k` character matrix: the
#'   percentage of panel SNPs present per trait).
#' @export
#' @examples
#' d <- genomicsemrs_example("hdl")
#' covstruc <- hdl(traits = file.path(d, paste0("H", 1:3, ".sumstats.gz")),
#'                 trait.names = c("H1", "H2", "H3"), LD.path = file.path(d, "panel"))
#' covstruc$S
#' covstruc$complete
hdl <- function(traits, sample.prev = NA, population.prev = NA, trait.names = NULL, LD.path,
                Nref = 335265, method = "piecewise") {
  call <- sys.call()
  check_files_exist(traits, "traits", call = call)
  k <- length(traits)
  sample.prev <- check_prevalence(sample.prev, "sample.prev", k, call)
  population.prev <- check_prevalence(population.prev, "population.prev", k, call)
  check_strings(trait.names, "trait.names", len = k, allow_null = TRUE, call = call)
  check_string(LD.path, "LD.path", call = call)
  if (!dir.exists(LD.path)) {
    gsem_abort(paste0("`LD.path` ('", LD.path, "') is not a folder. Give the folder of the HDL ",
                      "reference panel."), class = "io", call = call)
  }
  check_number(Nref, "Nref", above = 0, call = call)
  check_string(method, "method", choices = c("piecewise", "jackknife"), call = call)

  hdl_header()
  if (!is.null(trait.names) && any(grepl("-", trait.names, fixed = TRUE))) {
    gsem_warn("Your trait names specified include mathematical arguments (e.g., + or -) that will be misread by lavaan. Please rename the traits using the trait.names argument.",
              class = "trait_names", call = call)
  }
  if (k == 1L) {
    gsem_warn("Our version of hdl requires 2 or more traits. Please include an additional trait.",
              class = "hdl_traits", call = call)
  }
  panel <- hdl_read_panel(LD.path, call)
  gwas <- lapply(traits, hdl_read_gwas, panel_snps = panel$snps, call = call)
  n_panel <- length(panel$snps)
  k1 <- vapply(gwas, function(g) length(g$SNP), 1L)
  percent <- paste("(", round(100 * k1 / n_panel, 2), "%)", sep = "")
  too_few <- which(k1 < 0.5 * n_panel)
  if (length(too_few)) {
    hdl_input_error(paste0("Too few reference-panel SNPs in ", paste0("'", traits[too_few], "' ",
                           percent[too_few], collapse = ", "), " (at least 50% are needed): use ",
                           "the panel that matches the summary statistics (HapMap3 or imputed)."),
                    call)
  }
  fit <- hdl_fit(panel, gwas, Nref, method, call)

  n_pieces <- length(panel$pieces)
  n_cells <- k * (k + 1) / 2
  cell <- 1
  for (j in seq_len(k)) {
    for (d in j:k) {
      hdl_cat("\n")
      if (j == d) hdl_coverage(k1[j], n_panel, percent[j], trait.names[j])
      hdl_cell_output(cell, n_cells, n_pieces, method == "jackknife")
      cell <- cell + 1
    }
  }
  hdl_shape(fit, k, n_pieces, sample.prev, population.prev, trait.names, percent)
}

# Align every trait to the panel, projecting on each piece's eigenvectors as it is loaded
# (only one piece's V is in memory at a time), compute the regression starting values, then
# let Rust fit every cell.
hdl_fit <- function(panel, gwas, Nref, method, call) {
  k <- length(gwas)
  P <- length(panel$pieces)
  n <- vapply(gwas, function(g) stats::median(g$N), 1)
  pairs <- which(upper.tri(diag(k)), arr.ind = TRUE)
  pairs <- pairs[order(pairs[, "row"], pairs[, "col"]), , drop = FALSE]
  n0 <- rho <- matrix(0, k, k)
  for (r in seq_len(nrow(pairs))) {
    j <- pairs[r, 1]
    d <- pairs[r, 2]
    n0[j, d] <- n0[d, j] <- min(gwas[[j]]$n_all, gwas[[d]]$n_all)
    rho[j, d] <- rho[d, j] <- hdl_rho(gwas[[j]], gwas[[d]])
    if (!is.finite(rho[j, d])) {
      hdl_input_error(paste0("Traits ", j, " and ", d, " share fewer than 2 panel SNPs with ",
                             "a Z statistic, so their Z correlation is undefined."), call)
    }
  }
  rows <- lapply(gwas, hdl_panel_rows, panel = panel)
  ldsc <- lam <- vector("list", P)
  bstar <- start <- replicate(k, vector("list", P), simplify = FALSE)
  gcov_start <- replicate(nrow(pairs), numeric(P), simplify = FALSE)
  for (p in seq_len(P)) {
    piece <- panel$pieces[[p]]
    arrays <- hdl_read_piece(piece, call)
    ldsc[[p]] <- arrays$ldsc
    lam[[p]] <- arrays$lam
    bhat <- lapply(seq_len(k), function(t) hdl_piece_effects(gwas[[t]], rows[[t]][[p]], piece))
    h2 <- lapply(seq_len(k), function(t) hdl_h2_start(bhat[[t]], arrays$ldsc, n[t]))
    for (t in seq_len(k)) {
      start[[t]][[p]] <- h2[[t]]$start
      bstar[[t]][[p]] <- as.double(crossprod(arrays$V, bhat[[t]]))
    }
    for (r in seq_len(nrow(pairs))) {
      j <- pairs[r, 1]
      d <- pairs[r, 2]
      gcov_start[[r]][p] <- hdl_gcov_start(bhat[[j]], bhat[[d]], arrays$ldsc, h2[[j]]$var,
                                           h2[[d]]$var, n[j], n[d], n0[j, d], rho[j, d])
    }
  }
  names <- vapply(panel$pieces, `[[`, "", "rda")
  rs_value(rs_hdl(names, ldsc, lam, lapply(bstar, unlist, use.names = FALSE),
                  lapply(start, unlist, use.names = FALSE), gcov_start, as.double(n),
                  as.double(n0), as.double(rho), as.double(Nref), as.double(panel$m_ref), method,
                  resolve_cores(NULL, call = call)),
           call = call)
}

# Slope of lm(y ~ x) (weights w), through the same QR routine lm() uses: the optimiser's
# path, and so GenomicSEM's estimates, change with the last bit of the starting value.
hdl_slope <- function(x, y, w = NULL) {
  X <- cbind(1, x)
  if (!is.null(w)) {
    sw <- sqrt(w)
    X <- X * sw
    y <- y * sw
  }
  stats::.lm.fit(X, y)$coefficients[2]
}

# HDL's heritability start: the weighted slope times M, with weights from the OLS slope.
hdl_h2_start <- function(b, ldsc, N) {
  M <- length(ldsc)
  a <- b^2
  ols <- hdl_slope(ldsc, a) * M
  var <- (ols * ldsc / M + 1 / N)^2
  list(start = hdl_slope(ldsc, a, 1 / var) * M, var = var)
}

hdl_gcov_start <- function(b1, b2, ldsc, var1, var2, N1, N2, N0, rho12) {
  M <- length(ldsc)
  a <- b1 * b2
  ols <- hdl_slope(ldsc, a) * M
  p1 <- N0 / N1
  p2 <- N0 / N2
  var <- if (N0 > 0) {
    sqrt(var1 * var2) + (ols * ldsc / M + p1 * p2 * rho12 / N0)^2
  } else {
    sqrt(var1 * var2) + (ols * ldsc / M)^2
  }
  hdl_slope(ldsc, a, 1 / var) * M
}

# The list GenomicSEM returns, with liability scaling of S and V.
hdl_shape <- function(fit, k, n_pieces, sample.prev, population.prev, trait.names, percent) {
  n_cells <- k * (k + 1L) / 2L
  S <- matrix(fit$S, k, k)
  I <- matrix(fit$I, k, k)
  V <- stats::cov(matrix(fit$V_hold, n_pieces, n_cells)) * (n_pieces - 1)
  liab <- rep(1, k)
  scaled <- !is.na(sample.prev) & !is.na(population.prev)
  liab[scaled] <- sldsc_liability(sample.prev[scaled], population.prev[scaled])
  S2 <- S
  S <- diag(sqrt(liab), k) %*% S %*% diag(sqrt(liab), k)
  ratio <- (S / S2)[lower.tri(S, diag = TRUE)]
  se <- sqrt(diag(V)) * ratio
  V <- diag(se, n_cells) %*% stats::cov2cor(V) %*% diag(se, n_cells)
  colnames(S) <- trait.names
  list(V = V, S = S, I = I, complete = matrix(percent, nrow = 1L))
}
