# QTrait's plots for one external trait: a heatmap of the observed, model-implied and residual
# genetic correlations, and the loadings against the genetic correlations (stdout = TRUE) or
# the unstandardized loadings against the direct effects of the independent pathway model
# (stdout = FALSE), with one line per model's factor association.

qtrait_plot_frames <- function(d, indicators, trait) {
  ipm <- d$ipm$results
  direct <- ipm[ipm$lhs %in% indicators & ipm$op == "~", ]
  res <- d$residual_fit$results
  resid_var <- res[res$op == "~~" & res$lhs == res$rhs, c("lhs", "Unstand_Est")]
  lam <- d$lambdas
  resvar <- resid_var$Unstand_Est[match(lam$rhs, resid_var$lhs)]
  se_rg <- matrix(0, length(d$traits), length(d$traits), dimnames = list(d$traits, d$traits))
  se_rg[lower.tri(se_rg, diag = TRUE)] <- sqrt(diag(d$V_Stand))
  se_rg <- se_rg + t(se_rg) - diag(diag(se_rg))
  beta_se <- as.numeric(direct$Unstand_SE[match(indicators, direct$lhs)])
  points <- data.frame(
    Indicator = indicators, Observed = unname(d$observed), `Model implied` = unname(d$cpm$implied),
    Residual = unname(d$cpm$residual),
    Lambda_unstd = lam$Unstand_Est[match(indicators, lam$rhs)],
    Lambda_std = (lam$Unstand_Est / sqrt(lam$Unstand_Est^2 + resvar))[match(indicators, lam$rhs)],
    Beta = direct$Unstand_Est[match(indicators, direct$lhs)], `Beta SE` = beta_se,
    SE_rG = unname(se_rg[trait, indicators]), Weight_unstd = 1 / beta_se^2,
    Weight_std = 1 / unname(se_rg[trait, indicators])^2, check.names = FALSE, stringsAsFactors = FALSE)
  points$highlight <- ifelse(points$Indicator %in% d$outliers, "yes", "no")
  betas <- do.call(rbind, lapply(names(d$models), function(m) {
    data.frame(model = if (m == "CPM") "Common pathway model" else paste("Unconstrained paths:", m),
               slope = d$models[[m]]$est, stringsAsFactors = FALSE)
  }))
  list(points = points, betas = betas)
}

qtrait_save_plots <- function(d, indicators, trait, stdout, path) {
  gg <- asNamespace("ggplot2")
  frames <- qtrait_plot_frames(d, indicators, trait)
  p <- frames$points
  long <- data.frame(Indicator = rep(p$Indicator, 3),
                     Variable = factor(rep(c("Observed", "Model implied", "Residual"), each = nrow(p)),
                                       levels = c("Observed", "Model implied", "Residual")),
                     Value = c(p$Observed, p$`Model implied`, p$Residual))
  heat <- gg$ggplot(long, gg$aes(x = .data[["Variable"]], y = .data[["Indicator"]], fill = .data[["Value"]],
                                 label = round(.data[["Value"]], 2))) +
    gg$geom_tile() + gg$geom_text(color = "black", size = 5) +
    gg$scale_fill_gradient2(low = "#D73027", mid = "white", high = "#4575B4", midpoint = 0, limits = c(-1, 1)) +
    gg$scale_x_discrete(labels = c("Observed", "Model-implied", "Residual")) +
    gg$theme_minimal(base_family = "serif") +
    gg$labs(title = paste("Observed, model-implied, and residual genetic correlations across indicators and", trait),
            x = "Genetic correlations", y = "Indicator", fill = "Correlation")
  x_var <- if (stdout) "Lambda_std" else "Lambda_unstd"
  y_var <- if (stdout) "Observed" else "Beta"
  weight <- if (stdout) "Weight_std" else "Weight_unstd"
  colours <- grDevices::colorRampPalette(c("black", "#BEBEBE"))(nrow(frames$betas))
  axes <- qtrait_axes(p, x_var, y_var, stdout)
  scatter <- gg$ggplot(p, gg$aes(x = .data[[x_var]], y = .data[[y_var]], size = .data[[weight]],
                                 label = .data[["Indicator"]])) +
    gg$scale_fill_manual(values = c(yes = "red", no = "black"), guide = "none") +
    gg$scale_color_manual(values = colours, breaks = frames$betas$model,
                          labels = paste(frames$betas$model, round(frames$betas$slope, 3))) +
    gg$scale_size(guide = "none") +
    gg$scale_x_continuous(breaks = axes$x_breaks, limits = axes$x_limits) +
    gg$scale_y_continuous(breaks = axes$y_breaks, limits = axes$y_limits) +
    gg$theme_classic(base_family = "serif") +
    gg$labs(title = " ", color = "Model beta",
            x = if (stdout) "Lambda (Standardized)" else "Lambda (Unstandardized)",
            y = if (stdout) "Genetic correlation (rG)" else "Beta (Unstandardized)")
  lines <- if (stdout) {
    gg$geom_segment(data = frames$betas, gg$aes(x = 0, y = 0, xend = 1, yend = .data[["slope"]],
                                                color = .data[["model"]]), inherit.aes = FALSE, linewidth = 1)
  } else {
    gg$geom_abline(data = frames$betas, gg$aes(intercept = 0, slope = .data[["slope"]], color = .data[["model"]]),
                   linewidth = 1)
  }
  scatter <- scatter + lines + gg$geom_point(gg$aes(fill = .data[["highlight"]]), shape = 21) +
    gg$geom_text(vjust = -1, size = 5)
  grDevices::pdf(path, width = 12, height = 13)
  on.exit(grDevices::dev.off())
  print(heat)
  print(scatter)
  invisible(path)
}

# Axis limits and breaks as GenomicSEM sets them: standardized axes on [0, 1] (y on [-1, 0],
# [0, 1] or [-1, 1] by the signs of the genetic correlations), unstandardized ones on the data
# range with pretty() breaks.
qtrait_axes <- function(p, x_var, y_var, stdout) {
  if (!stdout) {
    x <- range(p[[x_var]], na.rm = TRUE)
    y <- range(p[[y_var]], na.rm = TRUE)
    return(list(x_limits = x, y_limits = y, x_breaks = pretty(x, n = 5), y_breaks = pretty(y, n = 5)))
  }
  obs <- p$Observed
  y <- if (all(obs < 0)) list(seq(-1, 0, 0.2), c(-1, 0)) else if (all(obs > 0)) list(seq(0, 1.2, 0.2), c(0, 1)) else
    list(seq(-1, 1, 0.2), c(-1, 1))
  list(x_limits = c(0, 1), y_limits = y[[2]], x_breaks = seq(0, 1, 0.2), y_breaks = y[[1]])
}
