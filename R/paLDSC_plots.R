# paLDSC()'s scree plots (ggplot2), its printed report and its PDFs.

pa_titles <- list(
  PA = c("Eigenvalue", "Difference in Eigenvalues", "Component Number"),
  PA_diag = c("Diagonalized Eigenvalue", "Difference in diagonalized Eigenvalues", "Component Number"),
  FA = c("Eigenvalue from FA Solution", "Difference in FA Eigenvalues", "Factor Number"),
  FA_diag = c("Eigenvalue from diagonalized FA Solution", "Difference in diagonalized FA Eigenvalues", "Factor Number")
)

pa_theme <- function(gg) {
  gg$theme_bw() +
    gg$theme(panel.grid.major = gg$element_blank(), panel.grid.minor = gg$element_blank(),
             panel.background = gg$element_blank(), panel.border = gg$element_blank(),
             text = gg$element_text(family = "serif"), legend.title = gg$element_blank(),
             legend.position = c(.7, .8), axis.line.x = gg$element_line(color = "black"),
             axis.line.y = gg$element_line(color = "black"))
}

pa_scree <- function(gg, data, y_name, x_name, shapes, k) {
  gg$ggplot(data, gg$aes(x = .data[["num"]], y = .data[["eigenvalue"]], shape = .data[["type"]])) +
    gg$geom_line() +
    gg$geom_point(size = 3) +
    gg$scale_y_continuous(name = y_name) +
    gg$scale_x_continuous(name = x_name, breaks = 1:k) +
    gg$scale_shape_manual(values = shapes)
}

pa_add_plots <- function(out, S, k) {
  gg <- asNamespace("ggplot2")
  theme <- pa_theme(gg)
  for (name in names(out)) {
    a <- out[[name]]
    titles <- pa_titles[[name]]
    scree <- pa_scree(gg, a$eigenvalues, titles[1], titles[3], c(2, 17), k)
    scree <- if (name == "PA" && !isTRUE(all(base::diag(S) != rep(1, nrow(S))))) {
      scree + gg$geom_hline(yintercept = 1)
    } else if (name == "PA") {
      scree + gg$geom_vline(xintercept = a$nfactors, linetype = "dashed")
    } else {
      scree + gg$geom_vline(xintercept = a$nfactors, linetype = "dashed") + gg$geom_hline(yintercept = 1)
    }
    difference <- pa_scree(gg, a$differences, titles[2], titles[3], 17, k) +
      gg$geom_vline(xintercept = a$nfactors_diff, linetype = "dashed") +
      gg$geom_hline(yintercept = 0)
    out[[name]]$plots <- list(scree = scree + theme, difference = difference + theme)
  }
  out
}

pa_report <- function(out) {
  if (!isTRUE(getOption("genomicsemrs.verbose", TRUE))) return(invisible())
  line <- "------------------------------------------------------------------------"
  show <- function(a) for (p in a$plots) draw_figure(p)
  show(out$PA)
  cat(line, "\n")
  cat("Parallel Analysis suggests extracting", out$PA$nfactors, "components", "\n")
  cat(line, "\n")
  if (!is.null(out$PA_diag)) {
    show(out$PA_diag)
    cat("Diagonalized Parallel Analysis suggests extracting", out$PA_diag$nfactors, "components", "\n")
    cat(line, "\n")
  }
  if (!is.null(out$FA)) {
    show(out$FA)
    cat(line, "\n")
    cat("Parallel Analysis suggests extracting", out$FA$nfactors, "factors", "\n")
    cat(line, "\n")
    if (!is.null(out$FA_diag)) {
      show(out$FA_diag)
      cat(line, "\n")
      cat("Diagonalized Parallel Analysis suggests extracting", out$FA_diag$nfactors, "factors", "\n")
      cat(line, "\n")
    }
  }
}

pa_save <- function(out) {
  files <- c(PA = "PA_LDSC.pdf", PA_diag = "Diagonalized_PA_LDSC.pdf", FA = "FA_PA_LDSC.pdf",
             FA_diag = "FA_Diagonalized_PA_LDSC.pdf")
  for (name in names(out)) {
    grDevices::pdf(files[[name]])
    for (p in out[[name]]$plots) draw_figure(p)
    grDevices::dev.off()
  }
}

# Showing and saving draw every plot twice, and building a ggplot's gtable is most of the cost
# of a draw: when both happen, each gtable is built once and drawn on both devices.
pa_prebuild <- function(out) {
  for (name in names(out)) out[[name]]$plots <- lapply(out[[name]]$plots, ggplot2::ggplotGrob)
  out
}

draw_figure <- function(figure) {
  if (inherits(figure, "gtable")) {
    grid::grid.newpage()
    grid::grid.draw(figure)
  } else {
    print(figure)
  }
}
