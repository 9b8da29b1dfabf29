# Regenerates the sem test fixtures from the GenomicSEM goldens and from lavaan 0.6.14.
# Run from this folder: Rscript make_fixtures.R
suppressMessages(library(lavaan))
REF <- "/work/shared/reference/genomicsem"
w17 <- function(x, f, ...) write.table(x, f, sep = "\t", quote = FALSE, ...)
fmt <- function(df) { for (j in seq_along(df)) if (is.numeric(df[[j]])) df[[j]] <- sprintf("%.17g", df[[j]]); df }

# ---- ldsc covstruc (input of every GenomicSEM golden) ----
L <- readRDS(file.path(REF, "out/ldsc.rds"))
mat <- function(m) { m <- as.matrix(m); matrix(sprintf("%.17g", m), nrow(m)) }
w17(mat(L$S), "ldsc_S.tsv", row.names = FALSE, col.names = colnames(L$S))
w17(mat(L$V), "ldsc_V.tsv", row.names = FALSE, col.names = FALSE)

# ---- GenomicSEM goldens (converted from .rds with 17 digits) ----
gold <- function(rds, name) {
  x <- readRDS(rds)
  w17(fmt(x$modelfit), paste0("golden_", name, ".modelfit.tsv"), row.names = FALSE)
  r <- x$results
  for (j in seq_along(r)) if (is.character(r[[j]]) && !j %in% 1:3) r[[j]] <- suppressWarnings(as.numeric(r[[j]]))
  w17(fmt(r), paste0("golden_", name, ".results.tsv"), row.names = FALSE)
}
E <- file.path(REF, "extended")
for (n in c("um_1f_DWLS", "um_1f_ML", "um_2f_DWLS", "um_2f_nodef_DWLS", "um_2f_nodef_ML", "um_1f_stdlv",
            "um_2fQ_QFactor", "cf_DWLS", "cf_ML")) gold(file.path(E, paste0(n, ".rds")), n)
x <- readRDS(file.path(E, "um_1f_impcov.rds"))
w17(mat(x$resid_cov[[1]]), "golden_um_1f_impcov.implied.tsv", row.names = FALSE, col.names = FALSE)
w17(fmt(readRDS(file.path(E, "um_2fQ_QFactor.rds"))$Q_Factor), "golden_um_2fQ_QFactor.Q_Factor.tsv", row.names = FALSE)

# ---- lavaan parameter tables (sem() semantics) ----
models <- list(
  cf1 = list("F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~~ 1*F1", FALSE, FALSE),
  cf1_stdlv = list("F1 =~ T1 + T2 + T3 + T4 + T5", TRUE, FALSE),
  two_f = list("F1 =~ NA*T1 + T2\nF2 =~ NA*T3 + l1*T4 + l1*T5\nF1 ~~ 1*F1\nF2 ~~ 1*F2\nF1 ~~ r*F2\nT4 ~~ T5\nT1 ~~ a*T1\na > .001\nd := r*l1", FALSE, FALSE),
  two_f_marker = list("F1 =~ T1 + T2 + T3; F2 =~ T4 + T5 # comment\nF2 ~ F1\nT1 ~~ T4", FALSE, FALSE),
  gwas_dwls = list("F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP", FALSE, FALSE),
  gwas_ml = list("F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1", FALSE, TRUE),
  gwas_direct = list("F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nT5 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP", FALSE, FALSE),
  gwas_stdlv = list("F1 =~ T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nSNP ~~ SNP", TRUE, FALSE),
  single_ind = list("F1 =~ T1\nF2 =~ T2 + T3 + T4\nF1 ~~ F2", FALSE, FALSE),
  reg_x = list("F1 =~ T1 + start(.5)*T2 + T3\nF1 ~ x1 + x2\nT3 ~ x2", FALSE, TRUE),
  reg_x_free = list("F1 =~ T1 + start(.5)*T2 + T3\nF1 ~ x1 + x2\nT3 ~ x2", FALSE, FALSE),
  ov_reg = list("y1 ~ y2 + y3\ny2 ~ y3\ny4 ~ y1", FALSE, FALSE),
  three_lv = list("a =~ T1 + T2\nb =~ T3 + T4\nc =~ T5 + T6\nc ~ a", FALSE, FALSE),
  hs = list("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9", FALSE, FALSE),
  swapped_cov = list("F2 =~ T1 + T2\nF1 =~ T3 + T4 + T5\nF1 ~~ F2\nT4 ~~ T3\nT5 ~~ F1\nF1 ~~ F2", FALSE, FALSE),
  pd = list("ind60 =~ x1 + x2 + x3\ndem60 =~ y1 + a*y2 + b*y3 + c*y4\ndem65 =~ y5 + a*y6 + b*y7 + c*y8\ndem60 ~ ind60\ndem65 ~ ind60 + dem60\ny1 ~~ y5\ny2 ~~ y4 + y6\ny3 ~~ y7\ny4 ~~ y8\ny6 ~~ y8", FALSE, FALSE)
)
cols <- c("lhs", "op", "rhs", "user", "free", "ustart", "exo", "label", "plabel")
for (n in names(models)) {
  m <- models[[n]]
  pt <- as.data.frame(lavaanify(m[[1]], auto = TRUE, model.type = "sem", std.lv = m[[2]], fixed.x = m[[3]],
                                meanstructure = FALSE, int.ov.free = TRUE, int.lv.free = FALSE, auto.fix.first = !m[[2]],
                                auto.fix.single = TRUE, auto.var = TRUE, auto.cov.lv.x = TRUE, auto.cov.y = TRUE))
  pt <- pt[, cols]
  pt$ustart <- sprintf("%.17g", pt$ustart)
  w17(pt, paste0("partable_", n, ".tsv"), row.names = FALSE)
}

# ---- lavaan's own examples fitted from their sample covariance matrices ----
# DWLS weights: 1 / normal-theory variance of each sample moment, (s_ii s_jj + s_ij^2) / N,
# in lavaan's moment order. ML: sample.cov.rescale = FALSE so S is used as given.
# "tight" refits with lavaan's optimiser tolerances tightened, to get its optimum exactly.
tight <- list(rel.tol = 1e-14, x.tol = 1e-13)
# nlminb still stops short in flat directions; optim's BFGS with reltol 1e-16 gets to within
# ~1e-8 of the optimum (used where the model has no constraints).
bfgs <- list(reltol = 1e-16, maxit = 10000)
examples <- list(
  hs = list(HolzingerSwineford1939[, paste0("x", 1:9)], models$hs[[1]]),
  pd = list(PoliticalDemocracy, models$pd[[1]])
)
for (n in names(examples)) {
  dat <- examples[[n]][[1]]; model <- examples[[n]][[2]]
  S <- cov(dat); N <- nrow(dat)
  w17(mat(S), paste0("example_", n, "_S.tsv"), row.names = FALSE, col.names = colnames(S))
  ov <- lavNames(lavaanify(model), "ov")
  So <- S[ov, ov]
  w <- 1 / ((diag(So) %o% diag(So) + So^2) / N)[lower.tri(So, diag = TRUE)]
  w17(data.frame(w = sprintf("%.17g", w)), paste0("example_", n, "_W.tsv"), row.names = FALSE)
  for (est in c("DWLS", "ML")) for (ctl in c("default", "tight")) {
    # "tight" also uses ceq.simple = TRUE: tied parameters become one parameter, so nlminb
    # runs unconstrained instead of stopping short under its constrained method.
    control <- if (ctl == "tight") bfgs else list()
    method <- if (ctl == "tight") "BFGS" else "nlminb"
    ceq <- ctl == "tight"
    fit <- suppressWarnings(if (est == "DWLS") {
      sem(model, sample.cov = S, sample.nobs = N, estimator = "DWLS", WLS.V = diag(w), control = control, ceq.simple = ceq, optim.method = method)
    } else {
      sem(model, sample.cov = S, sample.nobs = N, estimator = "ML", sample.cov.rescale = FALSE, control = control, ceq.simple = ceq, optim.method = method)
    })
    pt <- parTable(fit)
    keep <- pt$op %in% c("=~", "~", "~~") & (pt$free > 0 | (ceq & nchar(pt$label) > 0 & is.na(pt$ustart)))
    pt <- pt[keep, c("lhs", "op", "rhs", "est")]
    w17(fmt(pt), paste0("example_", n, "_", est, "_", ctl, ".tsv"), row.names = FALSE)
    if (est == "DWLS" && ctl == "tight") {
      w17(mat(lavInspect(fit, "delta")), paste0("example_", n, "_delta.tsv"), row.names = FALSE, col.names = FALSE)
    }
  }
}

# ---- Matrix::nearPD on a small indefinite matrix ----
X <- matrix(c(1, .9, .7, .9, 1, -.9, .7, -.9, 1), 3)
X <- X * outer(c(1, 2, .5), c(1, 2, .5))
w17(mat(X), "nearpd_input.tsv", row.names = FALSE, col.names = FALSE)
w17(mat(as.matrix(Matrix::nearPD(X, corr = FALSE)$mat)), "nearpd_output.tsv", row.names = FALSE, col.names = FALSE)

# ---- a GWAS-shaped model (SNP as predictor) on S with a SNP column, lavaan BFGS ----
# SNP variance 2*.3*.7, SNP-trait covariances varSNP * beta. V (lavaan moment order
# T1..T5, SNP) is diagonal: V_LD's diagonal for trait moments, (0.005*varSNP)^2 for SNP-trait
# and 0.0005^2 for the SNP variance; DWLS weights are 1/V. se_sandwich is GenomicSEM's
# sandwich from lavInspect(fit, "delta") and lavInspect(fit, "WLS.V") with that V.
varSNP <- 2 * .3 * .7
beta <- c(.012, .02, -.008, .015, .005)
SF <- rbind(cbind(L$S, varSNP * beta), c(varSNP * beta, varSNP))
colnames(SF) <- rownames(SF) <- c(colnames(L$S), "SNP")
w17(mat(SF), "gwas_S.tsv", row.names = FALSE, col.names = colnames(SF))
ovs <- c(colnames(L$S), "SNP"); p <- 6
vd <- matrix(0, p, p); vd[1:5, 1:5][lower.tri(vd[1:5, 1:5], diag = TRUE)] <- diag(L$V)
vd[6, 1:5] <- (0.005 * varSNP)^2; vd[6, 6] <- 0.0005^2
vdiag <- vd[lower.tri(vd, diag = TRUE)]
w17(data.frame(w = sprintf("%.17g", 1 / vdiag)), "gwas_W.tsv", row.names = FALSE)
gmodels <- list(
  gwas_dwls = list("F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP", "DWLS"),
  gwas_ml = list("F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1", "ML"),
  gwas_direct_ml = list("F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nT5 ~ SNP\nF1 ~~ 1*F1", "ML")
)
for (n in names(gmodels)) {
  g <- gmodels[[n]]
  fit <- if (g[[2]] == "DWLS") {
    sem(g[[1]], sample.cov = SF, estimator = "DWLS", WLS.V = diag(1 / vdiag), sample.nobs = 2, optim.method = "BFGS", control = bfgs)
  } else {
    sem(g[[1]], sample.cov = SF, estimator = "ML", sample.nobs = 200, sample.cov.rescale = FALSE, optim.method = "BFGS", control = bfgs)
  }
  stopifnot(identical(lavNames(fit), ovs))
  D <- lavInspect(fit, "delta"); W <- lavInspect(fit, "WLS.V")
  bread <- solve(t(D) %*% W %*% D); Vl <- diag(vdiag)
  se <- sqrt(diag(bread %*% t(W %*% D) %*% Vl %*% (W %*% D) %*% bread))
  pt <- parTable(fit); pt <- pt[pt$free > 0, c("lhs", "op", "rhs", "est")]
  pt$se_sandwich <- se
  w17(fmt(pt), paste0("fit_", n, ".tsv"), row.names = FALSE)
}

# ---- constraints: an active inequality bound and an explicit `==`, DWLS on the ldsc S ----
Sl <- L$S; rownames(Sl) <- colnames(Sl)
cmodels <- list(
  bound_active = "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~~ 1*F1\nT1 ~~ a*T1\na > 0.06",
  eq_explicit = "F1 =~ NA*T1 + b1*T2 + b2*T3 + T4 + T5\nF1 ~~ 1*F1\nb1 == b2"
)
for (n in names(cmodels)) {
  fit <- sem(cmodels[[n]], sample.cov = Sl, estimator = "DWLS", WLS.V = diag(1 / diag(L$V)), sample.nobs = 2, control = tight)
  pt <- parTable(fit); pt <- pt[pt$free > 0, c("lhs", "op", "rhs", "est")]
  w17(fmt(pt), paste0("fit_", n, ".tsv"), row.names = FALSE)
  pt <- as.data.frame(lavaanify(cmodels[[n]], auto = TRUE, model.type = "sem", fixed.x = FALSE))[, cols]
  pt$ustart <- sprintf("%.17g", pt$ustart)
  w17(pt, paste0("partable_", n, ".tsv"), row.names = FALSE)
}

# ---- more model shapes on the HolzingerSwineford1939 covariance (N = 301), lavaan tight ----
# DWLS weights as for the examples above, in each model's own moment order; ML with fixed.x
# (default) where a model has exogenous observed predictors. se_sandwich: GenomicSEM's
# sandwich from lavaan's Delta and WLS.V with V = diag(1/w) (DWLS) or diag of the NT
# variances (ML).
Shs <- cov(HolzingerSwineford1939[, paste0("x", 1:9)]); Nhs <- 301
shapes <- list(
  latreg = list("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\nspeed ~ visual + textual", FALSE),
  orthogonal = list("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nvisual ~~ 0*textual\nx1 ~~ x4", FALSE),
  mimic = list("f =~ x1 + x2 + x3 + x4\nx5 ~ f + x6", FALSE),
  path = list("x1 ~ x2 + x3\nx4 ~ x1 + x3", FALSE),
  stdlv = list("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6", TRUE),
  single = list("f1 =~ x1\nf2 =~ x2 + x3 + x4\nf1 ~~ f2", FALSE),
  higher = list("v =~ x1 + x2 + x3\nt =~ x4 + x5 + x6\ns =~ x7 + x8 + x9\ng =~ v + t + s", FALSE)
)
for (n in names(shapes)) {
  model <- shapes[[n]][[1]]; stdlv <- shapes[[n]][[2]]
  for (est in c("DWLS", "ML")) {
    fit0 <- sem(model, sample.cov = Shs, sample.nobs = Nhs, estimator = "ML", std.lv = stdlv, do.fit = FALSE)
    ov <- lavNames(fit0)
    So <- Shs[ov, ov]
    vnt <- ((diag(So) %o% diag(So) + So^2) / Nhs)[lower.tri(So, diag = TRUE)]
    fit <- suppressWarnings(if (est == "DWLS") {
      sem(model, sample.cov = Shs, sample.nobs = Nhs, estimator = "DWLS", WLS.V = diag(1 / vnt), std.lv = stdlv, optim.method = "BFGS", control = bfgs)
    } else {
      sem(model, sample.cov = Shs, sample.nobs = Nhs, estimator = "ML", sample.cov.rescale = FALSE, std.lv = stdlv, optim.method = "BFGS", control = bfgs)
    })
    D <- lavInspect(fit, "delta"); W <- lavInspect(fit, "WLS.V")
    bread <- solve(t(D) %*% W %*% D)
    se <- sqrt(diag(bread %*% t(W %*% D) %*% diag(vnt) %*% (W %*% D) %*% bread))
    pt <- parTable(fit); pt <- pt[pt$free > 0, c("lhs", "op", "rhs", "est")]
    pt$se_sandwich <- se
    w17(fmt(pt), paste0("shape_", n, "_", est, ".tsv"), row.names = FALSE)
    if (est == "DWLS") w17(data.frame(w = sprintf("%.17g", 1 / vnt)), paste0("shape_", n, "_W.tsv"), row.names = FALSE)
  }
}
