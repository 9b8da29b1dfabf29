//! The count score test at a converged PQL fit and the Poisson saddle-point approximation.
