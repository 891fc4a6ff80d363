//! numcrane
