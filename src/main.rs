//! `sayso`: argument parsing only; the work is in [`sayso::cli`].

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = sayso::cli::Cli::parse();
    if matches!(cli.command, sayso::cli::Command::Lsp { .. }) {
        sayso::server::memory::fixed_mmap_threshold();
    }
    sayso::cli::run(cli)
}
