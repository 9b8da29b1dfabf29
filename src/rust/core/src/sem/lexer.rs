//! Splits lavaan model syntax into statements and tokens, keeping every character's line and
//! column so that syntax errors can point at the spot.

use super::error::SemError;

/// One non-blank character of the model string and where it stood.
#[derive(Debug, Clone, Copy)]
pub struct PosChar {
    pub ch: char,
    pub line: usize,
    pub column: usize,
}

/// A token of a statement's right- or left-hand side.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Ident(String),
    Number(f64),
    Str(String),
    Sym(char),
}

#[derive(Debug, Clone)]
pub struct Token {
    pub tok: Tok,
    pub line: usize,
    pub column: usize,
}

/// Splits the model into statements: `;` and newlines end a statement, `#` and `!` start a
/// comment, blanks are dropped. A statement that ends in an operator (`+`, `*`, `~`, `=`, ...)
/// or a line that starts with `+` or `*` continues the previous statement, as in lavaan.
pub fn statements(model: &str) -> Vec<Vec<PosChar>> {
    let mut pieces: Vec<Vec<PosChar>> = Vec::new();
    for (li, raw_line) in model.lines().enumerate() {
        let mut current: Vec<PosChar> = Vec::new();
        let mut in_quote = false;
        for (ci, ch) in raw_line.chars().enumerate() {
            if ch == '"' || ch == '\'' {
                in_quote = !in_quote;
            }
            if !in_quote && (ch == '#' || ch == '!') {
                break;
            }
            if !in_quote && ch == ';' {
                pieces.push(std::mem::take(&mut current));
                continue;
            }
            if ch.is_whitespace() {
                continue;
            }
            current.push(PosChar {
                ch,
                line: li + 1,
                column: ci + 1,
            });
        }
        pieces.push(current);
    }
    let mut out: Vec<Vec<PosChar>> = Vec::new();
    for piece in pieces.into_iter().filter(|p| !p.is_empty()) {
        let starts_with_op = matches!(piece.first().map(|c| c.ch), Some('+') | Some('*'));
        let prev_open = out
            .last()
            .and_then(|p| p.last())
            .is_some_and(|c| matches!(c.ch, '+' | '*' | '~' | '=' | '<' | '>' | ','));
        match out.last_mut() {
            Some(prev) if starts_with_op || prev_open => prev.extend(piece),
            _ => out.push(piece),
        }
    }
    out
}

fn syntax_error(at: Option<&PosChar>, last: Option<&PosChar>, expected: &str) -> SemError {
    let (line, column, found) = match (at, last) {
        (Some(c), _) => (c.line, c.column, format!("`{}`", c.ch)),
        (None, Some(c)) => (c.line, c.column + 1, "the end of the statement".to_string()),
        (None, None) => (1, 1, "nothing".to_string()),
    };
    SemError::Syntax {
        line,
        column,
        expected: expected.to_string(),
        found,
    }
}

/// Tokenises a (blank-free) piece of a statement.
pub fn tokenize(chars: &[PosChar]) -> Result<Vec<Token>, SemError> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(c) = chars.get(i) {
        let start = *c;
        let push = |tok: Tok, out: &mut Vec<Token>| {
            out.push(Token {
                tok,
                line: start.line,
                column: start.column,
            })
        };
        let next_is_digit = chars.get(i + 1).is_some_and(|n| n.ch.is_ascii_digit());
        if c.ch.is_ascii_digit() || (c.ch == '.' && next_is_digit) {
            let mut text = String::new();
            while let Some(d) = chars.get(i) {
                let exp_sign =
                    matches!(d.ch, '+' | '-') && text.ends_with(['e', 'E']) && !text.is_empty();
                if d.ch.is_ascii_digit() || d.ch == '.' || d.ch == 'e' || d.ch == 'E' || exp_sign {
                    text.push(d.ch);
                    i += 1;
                } else {
                    break;
                }
            }
            let value: f64 = text
                .parse()
                .map_err(|_| syntax_error(Some(&start), None, "a number"))?;
            push(Tok::Number(value), &mut out);
        } else if c.ch.is_alphabetic() || c.ch == '_' || c.ch == '.' {
            let mut text = String::new();
            while let Some(d) = chars.get(i) {
                if d.ch.is_alphanumeric() || d.ch == '_' || d.ch == '.' {
                    text.push(d.ch);
                    i += 1;
                } else {
                    break;
                }
            }
            push(Tok::Ident(text), &mut out);
        } else if c.ch == '"' || c.ch == '\'' {
            let quote = c.ch;
            let mut text = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    Some(d) if d.ch == quote => break,
                    Some(d) => text.push(d.ch),
                    None => return Err(syntax_error(None, chars.last(), "a closing quote")),
                }
                i += 1;
            }
            i += 1;
            push(Tok::Str(text), &mut out);
        } else if "+-*/^(),".contains(c.ch) {
            push(Tok::Sym(c.ch), &mut out);
            i += 1;
        } else {
            return Err(syntax_error(
                Some(c),
                None,
                "a variable name, a number or one of + - * / ^ ( )",
            ));
        }
    }
    Ok(out)
}

/// Error for a token stream: at `tokens[pos]`, or after the last token when `pos` is past it.
pub fn token_error(tokens: &[Token], pos: usize, expected: &str) -> SemError {
    match tokens.get(pos) {
        Some(t) => SemError::Syntax {
            line: t.line,
            column: t.column,
            expected: expected.to_string(),
            found: match &t.tok {
                Tok::Ident(s) => format!("`{s}`"),
                Tok::Number(v) => format!("`{v}`"),
                Tok::Str(s) => format!("\"{s}\""),
                Tok::Sym(c) => format!("`{c}`"),
            },
        },
        None => {
            let (line, column) = tokens.last().map_or((1, 1), |t| (t.line, t.column + 1));
            SemError::Syntax {
                line,
                column,
                expected: expected.to_string(),
                found: "the end of the statement".to_string(),
            }
        }
    }
}

/// The error used when a statement piece is empty where something was required.
pub fn missing_error(context: &[PosChar], expected: &str) -> SemError {
    syntax_error(None, context.last(), expected)
}
