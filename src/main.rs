//! `sayso`: argument parsing only; the work is in [`sayso::cli`].

use clap::Parser;

fn main() -> std::process::ExitCode {
    sayso::cli::run(sayso::cli::Cli::parse())
}
