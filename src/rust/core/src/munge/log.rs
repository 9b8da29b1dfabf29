//! The text GenomicSEM writes to its log files, collected per input file.
//!
//! A message is what one call of GenomicSEM's `.LOG()` writes: its pieces, each ending in a
//! newline, joined by single spaces (that is how R's `cat()` writes a character vector).

/// Log messages and warnings of one input file, in order.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Log {
    /// (text, also printed to the console)
    pub messages: Vec<(String, bool)>,
    pub warnings: Vec<String>,
}

impl Log {
    pub fn line(&mut self, text: String) {
        self.messages.push((text + "\n", true));
    }

    /// A message written to the log file only.
    pub fn quiet_line(&mut self, text: String) {
        self.messages.push((text + "\n", false));
    }

    /// One message made of several pieces (a vectorised `paste0` in the original).
    pub fn lines(&mut self, pieces: impl Iterator<Item = String>) {
        let joined: Vec<String> = pieces.map(|p| p + "\n").collect();
        if !joined.is_empty() {
            self.messages.push((joined.join(" "), true));
        }
    }

    pub fn warning(&mut self, text: String) {
        self.warnings.push(text);
    }

    /// The log file text.
    pub fn text(&self) -> String {
        self.messages.iter().map(|(m, _)| m.as_str()).collect()
    }
}
