use clap::Parser;

fn main() {
    let cli = retain::cli::Cli::parse();
    if let Err(e) = retain::run(cli) {
        eprintln!("retain: {e}");
        std::process::exit(e.exit_code());
    }
}
