//! Dependencies: the lock files as data, the checkout's cargo configuration, vendoring and
//! the yanked-package scan.

pub mod cargo_config;
pub mod lockfile;
pub mod vendor;
pub mod yanked;
