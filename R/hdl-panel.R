# The HDL reference panel: the SNP counter and SNP list (.RData) and, per piece, an .rda file
# (objects LDsc, lam, V) and a .bim file. Everything is load()ed into local environments.

hdl_panel_error <- function(message, call) gsem_abort(message, class = "hdl_panel", call = call)

# One file of the panel folder matching `pattern`; zero or several are errors naming them.
hdl_panel_file <- function(files, pattern, what, LD.path, call) {
  hit <- grep(pattern, files, value = TRUE)
  if (length(hit) == 1L) return(file.path(LD.path, hit))
  if (!length(hit)) {
    hdl_panel_error(paste0("`LD.path` ('", LD.path, "') has no ", what, ". It must be an HDL ",
                           "reference panel folder (UKB_snp_counter*, UKB_snp_list* and ",
                           "chr<c>.<p>*.rda/.bim per piece); only pre-computed panels are supported."),
                    call)
  }
  hdl_panel_error(paste0("`LD.path` ('", LD.path, "') has several files for the ", what, ": ",
                         paste0("'", hit, "'", collapse = ", "), ". Keep one."), call)
}

# The objects of an .RData/.rda file, loaded into a fresh environment.
hdl_load <- function(path, needed, call) {
  env <- new.env(parent = emptyenv())
  loaded <- tryCatch(load(path, envir = env), error = function(e) {
    hdl_panel_error(paste0("Cannot load '", path, "': ", conditionMessage(e)), call)
  })
  missing <- setdiff(needed, loaded)
  if (length(missing) && !is.null(needed)) {
    hdl_panel_error(paste0("'", path, "' lacks the object(s) ", paste(missing, collapse = ", "),
                           "; it holds ", paste(loaded, collapse = ", "), "."), call)
  }
  env
}

# The panel's SNP list, piece sizes and per-piece files; the pieces' bim files are read here
# (SNP ids and A2 alleles, as text), the .rda files later one at a time.
hdl_read_panel <- function(LD.path, call) {
  files <- list.files(LD.path)
  counter <- hdl_panel_file(files, "UKB_snp_counter", "SNP counter file (UKB_snp_counter*)", LD.path, call)
  snp_list <- hdl_panel_file(files, "UKB_snp_list", "SNP list file (UKB_snp_list*)", LD.path, call)
  env <- hdl_load(counter, NULL, call)
  list_env <- hdl_load(snp_list, NULL, call)
  for (name in ls(list_env)) assign(name, get(name, list_env), envir = env)
  if (exists("nsnps.list.imputed", envir = env, inherits = FALSE)) {
    snps <- get0("snps.list.imputed.vector", envir = env, inherits = FALSE)
    counts <- get("nsnps.list.imputed", envir = env)
  } else {
    snps <- get0("snps.name.list", envir = env, inherits = FALSE)
    counts <- get0("nsnps.list", envir = env, inherits = FALSE)
  }
  if (is.null(snps) || is.null(counts)) {
    hdl_panel_error(paste0("The counter and list files of '", LD.path, "' must hold `nsnps.list` ",
                           "and `snps.name.list` (or their imputed versions)."), call)
  }
  pieces <- list()
  for (chr in seq_along(counts)) {
    for (piece in seq_along(counts[[chr]])) {
      # The piece number must end where the digits end: chr1.1 is not chr1.10 or chr1.11.
      stem <- paste0("chr", chr, "\\.", piece, "[^0-9]")
      what <- paste0("file for piece ", piece, " of chromosome ", chr, " (chr", chr, ".", piece, "*")
      rda <- hdl_panel_file(files, paste0(stem, ".*rda$"), paste0(what, ".rda)"), LD.path, call)
      bim <- hdl_panel_file(files, paste0(stem, ".*bim$"), paste0(what, ".bim)"), LD.path, call)
      pieces[[length(pieces) + 1L]] <- c(list(name = paste0(chr, ".", piece), rda = rda),
                                         hdl_read_bim(bim, call))
    }
  }
  if (!length(pieces)) hdl_panel_error(paste0("The counter file of '", LD.path, "' lists no piece."), call)
  list(snps = as.character(snps), pieces = pieces, m_ref = sum(unlist(counts)))
}

hdl_read_bim <- function(path, call) {
  bim <- tryCatch(scan(path, what = as.list(character(6)), flush = TRUE, quiet = TRUE),
                  error = function(e) {
                    hdl_panel_error(paste0("Cannot read '", path, "' as a 6-column .bim file: ",
                                           conditionMessage(e)), call)
                  })
  if (anyNA(bim[[6]]) || !length(bim[[2]])) {
    hdl_panel_error(paste0("'", path, "' must have the 6 columns of a .bim file."), call)
  }
  list(bim = path, id = bim[[2]], a2 = bim[[6]])
}

# A piece's LDsc and lam, and its eigenvectors V checked against the bim file.
hdl_read_piece <- function(piece, call) {
  env <- hdl_load(piece$rda, c("LDsc", "lam", "V"), call)
  ldsc <- as.double(env$LDsc)
  lam <- as.double(env$lam)
  V <- env$V
  m <- length(piece$id)
  if (length(ldsc) != m || !is.matrix(V) || nrow(V) != m || ncol(V) != length(lam)) {
    hdl_panel_error(paste0("Piece '", piece$rda, "' does not fit its bim file '", piece$bim, "': ",
                           m, " SNPs in the bim, ", length(ldsc), " LD scores, V of ",
                           paste(dim(V), collapse = " x "), " and ", length(lam),
                           " eigenvalues."), call)
  }
  list(ldsc = ldsc, lam = lam, V = V)
}
