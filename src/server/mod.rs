//! Language server (stub).
