#' Manhattan and QQ plots of GWAS results
#'
#' `manhattan_plot()` draws -log10 p-values along the genome, chromosomes in alternating
#' colours, with the genome-wide significance line; `qq_plot()` draws observed against
#' expected -log10 p-values under the null, with the genomic inflation factor
#' `lambda = median(chi-square) / 0.4549` (the median of a chi-square with 1 df is
#' `qchisq(0.5, 1)`, 0.4549364). Both return ggplot objects (ggplot2 is needed).
#'
#' `x` may be: a data frame with chromosome, position and p-value columns (`CHR`/`chrom`,
#' `BP`/`POS`, `P`/`Pval_Estimate`/`p.value`); the output of [commonfactorGWAS()]; an element
#' of [userGWAS()]'s output with `sub`, or the whole list (one panel per parameter);
#' [userGWAS()] with `analytic = TRUE` (choose the factor with `factor`); the result of
#' `map_cis()` (its `variants`). Rows without a usable p-value, chromosome or position are
#' left out (a message counts them).
#'
#' **Thinning.** With `thin = TRUE` every SNP with p < 0.001 is drawn; of the others one point
#' is kept per cell of a 1,000 x 100 grid over position (expected quantile for QQ plots) and
#' -log10 p, per panel. At screen or print resolution the picture is the same, and a genome
#' of millions of SNPs draws in seconds. `thin = FALSE` draws every point.
#'
#' @param x A GWAS result (see Details).
#' @param factor For `analytic = TRUE` results: the factor whose p-values are drawn.
#' @param threshold Genome-wide significance level drawn as a line (`NULL`: none).
#' @param highlight SNP ids drawn in a highlight colour.
#' @param label SNP ids labelled with their name.
#' @param thin Thin the non-significant bulk (see Details).
#' @param colors Two colours alternating between chromosomes.
#' @param title Plot title.
#' @return A ggplot object; its `data` holds the plotted points (`panel`, `SNP`, `CHR`, `BP`,
#'   `P`, `x`, `logp`).
#' @examples
#' covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
#' snps <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))[1:300, ]
#' gwas <- commonfactorGWAS(covstruc, snps, cores = 1)
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   print(manhattan_plot(gwas, label = gwas$SNP[which.min(gwas$Pval_Estimate)]))
#'   print(qq_plot(gwas))
#' }
#' @export
manhattan_plot <- function(x, factor = NULL, threshold = 5e-8, highlight = NULL, label = NULL,
                           thin = TRUE, colors = c("grey25", "grey60"), title = NULL) {
  call <- sys.call()
  require_ggplot2(call)
  check_plot_options(threshold, highlight, label, thin, colors, title, call)
  data <- gwas_plot_data(x, factor, call)
  data <- data[order(data$CHR, data$BP), , drop = FALSE]
  chromosomes <- sort(unique(data$CHR))
  span <- vapply(chromosomes, function(ch) max(data$BP[data$CHR == ch]), 0)
  offset <- stats::setNames(c(0, cumsum(as.double(span)))[seq_along(chromosomes)], chromosomes)
  data$x <- data$BP + offset[as.character(data$CHR)]
  if (thin) data <- thin_points(data, data$x)
  data$logp <- -log10(data$P)
  data$shade <- factor(match(data$CHR, chromosomes) %% 2)
  centers <- offset + span / 2
  plot <- ggplot2::ggplot(data, ggplot2::aes(x = .data$x, y = .data$logp)) +
    ggplot2::geom_point(ggplot2::aes(colour = .data$shade), size = 0.6, show.legend = FALSE) +
    ggplot2::scale_colour_manual(values = c("0" = colors[2], "1" = colors[1])) +
    ggplot2::scale_x_continuous(breaks = centers, labels = chromosomes, expand = c(0.01, 0)) +
    ggplot2::labs(x = "Chromosome", y = expression(-log[10](italic(p))), title = title) +
    ggplot2::theme_minimal() +
    ggplot2::theme(panel.grid.major.x = ggplot2::element_blank(),
                   panel.grid.minor = ggplot2::element_blank())
  if (!is.null(threshold)) {
    plot <- plot + ggplot2::geom_hline(yintercept = -log10(threshold), linetype = "dashed",
                                       colour = "firebrick")
  }
  if (length(highlight)) {
    plot <- plot + ggplot2::geom_point(data = data[data$SNP %in% highlight, , drop = FALSE],
                                       colour = "darkorange", size = 1.2)
  }
  if (length(label)) {
    plot <- plot + ggplot2::geom_text(data = data[data$SNP %in% label, , drop = FALSE],
                                      ggplot2::aes(label = .data$SNP), vjust = -0.8, size = 3)
  }
  if (length(unique(data$panel)) > 1) plot <- plot + ggplot2::facet_wrap(~panel, ncol = 1)
  plot
}

#' @rdname manhattan_plot
#' @export
qq_plot <- function(x, factor = NULL, thin = TRUE, title = NULL) {
  call <- sys.call()
  require_ggplot2(call)
  check_plot_options(NULL, NULL, NULL, thin, c("a", "b"), title, call)
  data <- gwas_plot_data(x, factor, call)
  panels <- split(data, factor(data$panel, unique(data$panel)))
  lambdas <- vapply(panels, function(d) genomic_lambda(d$P), 0)
  data <- do.call(rbind, lapply(panels, function(d) {
    d <- d[order(d$P), , drop = FALSE]
    d$expected <- -log10(stats::ppoints(nrow(d)))
    d
  }))
  if (thin) data <- thin_points(data, data$expected)
  data$logp <- -log10(data$P)
  data$panel <- paste0(data$panel, if (length(panels) > 1) ": " else "",
                       "lambda = ", formatC(unname(lambdas)[match(data$panel, names(panels))],
                                            format = "f", digits = 3))
  plot <- ggplot2::ggplot(data, ggplot2::aes(x = .data$expected, y = .data$logp)) +
    ggplot2::geom_abline(slope = 1, intercept = 0, colour = "firebrick", linetype = "dashed") +
    ggplot2::geom_point(size = 0.6, colour = "grey25") +
    ggplot2::labs(x = expression(Expected ~ -log[10](italic(p))),
                  y = expression(Observed ~ -log[10](italic(p))), title = title) +
    ggplot2::facet_wrap(~panel) +
    ggplot2::theme_minimal()
  attr(plot, "lambda") <- lambdas
  plot
}

#' Genomic inflation factor
#'
#' `median(qchisq(p, 1, lower.tail = FALSE)) / qchisq(0.5, 1)`: 1 under the null.
#' @param p P-values.
#' @return One number.
#' @examples
#' genomic_lambda(runif(1e4))
#' @export
genomic_lambda <- function(p) {
  call <- sys.call()
  check_number(p, "p", 0, 1, len = NULL, allow_na = TRUE, call = call)
  stats::median(stats::qchisq(p, 1, lower.tail = FALSE), na.rm = TRUE) / stats::qchisq(0.5, 1)
}

check_plot_options <- function(threshold, highlight, label, thin, colors, title, call) {
  if (!is.null(threshold)) check_number(threshold, "threshold", above = 0, below = 1, call = call)
  if (!is.null(highlight)) check_strings(highlight, "highlight", call = call)
  if (!is.null(label)) check_strings(label, "label", call = call)
  check_flag(thin, "thin", call = call)
  check_strings(colors, "colors", len = 2L, call = call)
  if (!is.null(title)) check_string(title, "title", allow_empty = TRUE, call = call)
}
