//! Routing strategies shared by the socket patterns: fair-queueing on
//! receive (`fq`), load-balancing on send (`lb`) and distribution to all
//! (`dist`), the rotation the first two share (`rr`), and the
//! subscription tries (`trie`). They hold pipe indices; the pipes live in the socket's `Pipes`.

pub mod dist;
pub mod fq;
pub mod lb;
pub mod rr;
pub mod trie;
