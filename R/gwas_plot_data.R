# The data behind manhattan_plot() and qq_plot(): one long data frame (panel, SNP, CHR, BP, P)
# from any GWAS result of the package, and the thinning of its non-significant bulk.

# Column names tried, in order, for each field.
plot_columns <- list(
  SNP = c("SNP", "MarkerID", "Gene", "rsid", "ID"),
  CHR = c("CHR", "chrom", "CHROM", "chr"),
  BP = c("BP", "POS", "pos", "bp"),
  P = c("P", "Pval_Estimate", "p.value", "pvalue", "p_value", "P_value", "pval")
)

require_ggplot2 <- function(call) {
  if (!requireNamespace("ggplot2", quietly = TRUE)) {
    gsem_abort("This plot needs the ggplot2 package: install.packages(\"ggplot2\").",
               class = "missing_package", call = call)
  }
}

# One panel per element of a list of results (userGWAS(sub = ...)), else one panel.
gwas_plot_data <- function(x, factor, call) {
  if (is.list(x) && !is.data.frame(x) && is.data.frame(x$variants)) x <- x$variants  # map_cis()
  if (is.data.frame(x)) {
    panels <- list(x)
    names(panels) <- ""
  } else if (is.list(x) && length(x) && all(vapply(x, is.data.frame, TRUE))) {
    panels <- x
    if (is.null(names(panels))) {
      names(panels) <- vapply(panels, function(d) {
        if (all(c("lhs", "op", "rhs") %in% names(d)) && nrow(d)) paste0(d$lhs[1], d$op[1], d$rhs[1])
        else ""
      }, "")
    }
  } else {
    gsem_abort(paste0("`x` must be a GWAS result: a data frame with CHR, BP and P columns (or ",
                      "the output of userGWAS(), commonfactorGWAS() or map_cis()), not ",
                      describe_value(x), "."), call = call)
  }
  out <- lapply(seq_along(panels), function(i) {
    d <- panels[[i]]
    p_col <- plot_p_column(d, factor, call)
    cols <- vapply(c("SNP", "CHR", "BP"), function(f) {
      hit <- intersect(plot_columns[[f]], names(d))
      if (length(hit)) hit[1] else NA_character_
    }, "")
    if (anyNA(cols[c("CHR", "BP")])) {
      gsem_abort(paste0("`x` needs chromosome and position columns (", paste(plot_columns$CHR, collapse = "/"),
                        " and ", paste(plot_columns$BP, collapse = "/"), "); its columns are ",
                        paste(names(d), collapse = ", "), "."), call = call)
    }
    chr <- suppressWarnings(as.integer(sub("^chr", "", as.character(d[[cols[["CHR"]]]]), ignore.case = TRUE)))
    data.frame(panel = names(panels)[i],
               SNP = if (is.na(cols[["SNP"]])) NA_character_ else as.character(d[[cols[["SNP"]]]]),
               CHR = chr, BP = as.double(d[[cols[["BP"]]]]), P = as.double(d[[p_col]]),
               stringsAsFactors = FALSE)
  })
  data <- do.call(rbind, out)
  usable <- is.finite(data$P) & data$P > 0 & data$P <= 1 & !is.na(data$CHR) & is.finite(data$BP)
  if (!any(usable)) {
    gsem_abort("`x` has no SNP with a usable p-value, chromosome and position.", class = "no_rows",
               call = call)
  }
  if (!all(usable)) {
    gsem_inform(sum(!usable), " row(s) without a p-value in (0, 1], a chromosome or a position ",
                "are not plotted.")
  }
  data[usable, , drop = FALSE]
}

plot_p_column <- function(d, factor, call) {
  analytic <- grep("^p_val_", names(d), value = TRUE)
  if (length(analytic)) {
    factors <- sub("^p_val_", "", analytic)
    if (is.null(factor)) {
      if (length(factors) > 1) {
        gsem_abort(paste0("`x` holds SNP effects on several factors (", paste(factors, collapse = ", "),
                          "): choose one with `factor`."), call = call)
      }
      factor <- factors
    }
    check_string(factor, "factor", choices = factors, call = call)
    return(paste0("p_val_", factor))
  }
  hit <- intersect(plot_columns$P, names(d))
  if (!length(hit)) {
    gsem_abort(paste0("`x` has no p-value column (", paste(plot_columns$P, collapse = ", "),
                      "); its columns are ", paste(names(d), collapse = ", "), "."), call = call)
  }
  hit[1]
}

# Keep every point with -log10 P above `keep_above`; of the rest keep one point per cell of a
# grid of `cells` x 100 over (x, -log10 P) per panel: the picture is unchanged at screen
# resolution, and millions of points draw in seconds.
thin_points <- function(data, x, keep_above = 3, cells = 1000) {
  y <- -log10(data$P)
  low <- y <= keep_above
  if (sum(low) <= cells * 20) return(data)
  xr <- range(x[low])
  gx <- floor((x[low] - xr[1]) / max(diff(xr), 1) * (cells - 1))
  gy <- floor(y[low] / keep_above * 99)
  key <- paste(data$panel[low], gx, gy)
  keep <- rep(TRUE, nrow(data))
  keep[which(low)[duplicated(key)]] <- FALSE
  data[keep, , drop = FALSE]
}
