#' Heatmap of genetic correlations
#'
#' Draws the genetic correlations of an [ldsc()] result (`S_Stand`) as a heatmap, each cell
#' labelled with the correlation and its standard error (the square root of the matching
#' diagonal element of `V_Stand`). Traits are ordered by hierarchical clustering on
#' `1 - |rg|` (`order = "cluster"`) or as in `covstruc` (`order = "given"`).
#'
#' @param covstruc Output of [ldsc()] with `stand = TRUE` (it needs `S_Stand` and `V_Stand`).
#' @param order `"cluster"` or `"given"`.
#' @param digits Decimal places of the labels.
#' @param title Plot title.
#' @return A ggplot object; its `data` has one row per pair of traits (`row`, `col`, `rg`,
#'   `se`, `label`).
#' @examples
#' covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
#' if (requireNamespace("ggplot2", quietly = TRUE)) print(rg_plot(covstruc))
#' @export
rg_plot <- function(covstruc, order = c("cluster", "given"), digits = 2, title = NULL) {
  call <- sys.call()
  require_ggplot2(call)
  if (identical(order, c("cluster", "given"))) order <- "cluster"
  check_string(order, "order", choices = c("cluster", "given"), call = call)
  check_number(digits, "digits", 0, 10, whole = TRUE, call = call)
  if (!is.null(title)) check_string(title, "title", allow_empty = TRUE, call = call)
  if (!is.list(covstruc) || is.null(covstruc$S_Stand) || is.null(covstruc$V_Stand)) {
    gsem_abort(paste0("`covstruc` must be the output of ldsc(stand = TRUE), with S_Stand and ",
                      "V_Stand."), call = call)
  }
  r <- check_matrix(covstruc$S_Stand, "covstruc$S_Stand", symmetric = TRUE, call = call)
  k <- nrow(r)
  v <- check_matrix(covstruc$V_Stand, "covstruc$V_Stand", nrow = k * (k + 1) / 2,
                    ncol = k * (k + 1) / 2, call = call)
  traits <- colnames(covstruc$S_Stand) %||% paste0("V", seq_len(k))
  # V_Stand is ordered like vech(S): the lower triangle column by column.
  index <- matrix(0L, k, k)
  index[lower.tri(index, diag = TRUE)] <- seq_len(k * (k + 1) / 2)
  index[upper.tri(index)] <- t(index)[upper.tri(index)]
  se <- matrix(sqrt(pmax(diag(v), 0))[index], k, k)
  ordering <- if (order == "cluster" && k > 2) {
    stats::hclust(stats::as.dist(1 - abs(r)))$order
  } else {
    seq_len(k)
  }
  levels <- traits[ordering]
  data <- expand.grid(row = seq_len(k), col = seq_len(k))
  data$rg <- r[cbind(data$row, data$col)]
  data$se <- se[cbind(data$row, data$col)]
  data$label <- ifelse(data$row == data$col, formatC(data$rg, format = "f", digits = digits),
                       paste0(formatC(data$rg, format = "f", digits = digits), "\n(",
                              formatC(data$se, format = "f", digits = digits), ")"))
  data$row <- factor(traits[data$row], levels = rev(levels))
  data$col <- factor(traits[data$col], levels = levels)
  ggplot2::ggplot(data, ggplot2::aes(x = .data$col, y = .data$row, fill = .data$rg)) +
    ggplot2::geom_tile(colour = "white") +
    ggplot2::geom_text(ggplot2::aes(label = .data$label), size = 3) +
    ggplot2::scale_fill_gradient2(low = "#2166ac", mid = "white", high = "#b2182b",
                                  midpoint = 0, limits = c(-1, 1), oob = function(x, ...) pmax(pmin(x, 1), -1),
                                  name = expression(r[g])) +
    ggplot2::labs(x = NULL, y = NULL, title = title) +
    ggplot2::coord_equal() +
    ggplot2::theme_minimal() +
    ggplot2::theme(axis.text.x = ggplot2::element_text(angle = 45, hjust = 1))
}
