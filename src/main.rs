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
        // A progress line drawn in place on a terminal ("reading usage.csv …") is cleared first.
        let clear = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            "\r\x1b[2K"
        } else {
            ""
        };
        // File names and values in a message come from the data: no control character reaches
        // the terminal, but the message keeps its lines.
        let message = e.to_string();
        let lines: Vec<_> = message.lines().map(retain::text::printable).collect();
        eprintln!("{clear}retain: {}", lines.join("\n"));
        std::process::exit(e.exit_code());
    }
}
