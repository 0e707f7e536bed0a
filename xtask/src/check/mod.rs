//! Checking: the tree's consistency (`verify`), the host (`doctor`), the code (`lint`).

pub mod doctor;
pub mod lint;
pub mod verify;
