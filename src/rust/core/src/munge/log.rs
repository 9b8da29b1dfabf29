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

/// Remove the rows for which `remove` is true and, if any were, log `message(count)`.
pub fn retain_logged<T>(
    rows: &mut Vec<T>,
    log: &mut Log,
    remove: impl Fn(&T) -> bool,
    message: impl Fn(usize) -> String,
) {
    if let Some(text) = remove_counted(rows, remove, message) {
        log.line(text);
    }
}

/// [`retain_logged`], and the message is also raised as a warning: for removals GenomicSEM did
/// not make, which a user must not miss.
pub fn retain_warned<T>(
    rows: &mut Vec<T>,
    log: &mut Log,
    remove: impl Fn(&T) -> bool,
    message: impl Fn(usize) -> String,
) {
    if let Some(text) = remove_counted(rows, remove, message) {
        log.line(text.clone());
        log.warning(text);
    }
}

/// `message(count)` of the rows removed, if any were.
fn remove_counted<T>(
    rows: &mut Vec<T>,
    remove: impl Fn(&T) -> bool,
    message: impl Fn(usize) -> String,
) -> Option<String> {
    let before = rows.len();
    rows.retain(|r| !remove(r));
    (before > rows.len()).then(|| message(before - rows.len()))
}

/// GenomicSEM's check that the P column is not something else.
pub fn check_p_range(p_values: impl Iterator<Item = f64>, log: &mut Log) {
    if p_values.filter(|&p| !(0.0..=1.0).contains(&p)).count() > 100 {
        log.line(
            "In excess of 100 SNPs have P val above 1 or below 0. The P column may be mislabled!"
                .to_owned(),
        );
    }
}
