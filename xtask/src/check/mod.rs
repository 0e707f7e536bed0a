//! Checking: the tree's consistency (`verify`, with the dependency `policy`), the host
//! (`doctor`), the code (`lint`).

pub mod doctor;
pub mod lint;
pub mod policy;
pub mod verify;
