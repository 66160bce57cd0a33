use clap::Parser;

fn main() {
    let cli = retain::cli::Cli::parse();
    if let Err(e) = retain::run(cli) {
        // `retain accounts | head` closing the pipe early is not an error.
        if let retain::error::Error::Io { source, .. } = &e
            && source.kind() == std::io::ErrorKind::BrokenPipe
        {
            return;
        }
        eprintln!("retain: {e}");
        std::process::exit(e.exit_code());
    }
}
