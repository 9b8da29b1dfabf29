//! lavaan model syntax -> statements: relations (`=~`, `~`, `~~`) with their modified terms,
//! definitions (`:=`) and constraints (`==`, `<`, `>`).

use super::error::SemError;
use super::expr::Expr;
use super::lexer::{missing_error, statements, token_error, tokenize, PosChar, Tok, Token};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelOp {
    /// `=~`: latent variable measured by indicators.
    Measure,
    /// `~`: regression.
    Regress,
    /// `~~`: (co)variance.
    Covary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConOp {
    Equal,
    Less,
    Greater,
}

/// A fixed-value modifier: `1*x` fixes, `NA*x` frees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fixed {
    Value(f64),
    Free,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Modifiers {
    pub fixed: Option<Fixed>,
    pub start: Option<f64>,
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub var: String,
    pub modifiers: Modifiers,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    Relation {
        lhs: String,
        op: RelOp,
        terms: Vec<Term>,
    },
    Define {
        name: String,
        text: String,
        expr: Expr,
    },
    Constraint {
        lhs_text: String,
        op: ConOp,
        rhs_text: String,
        lhs: Expr,
        rhs: Expr,
    },
}

enum AnyOp {
    Rel(RelOp),
    Con(ConOp),
    Define,
    /// `<~` (formative indicators) and `|` (thresholds): recognised, not supported.
    Unsupported(&'static str),
}

/// Finds the statement's operator (outside parentheses and quotes): its index, width and kind.
fn find_operator(chars: &[PosChar]) -> Option<(usize, usize, AnyOp)> {
    let mut depth = 0i32;
    let mut quoted = false;
    for i in 0..chars.len() {
        let c = chars[i].ch;
        let next = chars.get(i + 1).map(|p| p.ch);
        match c {
            '"' | '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            _ => {}
        }
        if quoted || depth != 0 {
            continue;
        }
        let two = match (c, next) {
            ('=', Some('~')) => Some(AnyOp::Rel(RelOp::Measure)),
            ('~', Some('~')) => Some(AnyOp::Rel(RelOp::Covary)),
            (':', Some('=')) => Some(AnyOp::Define),
            ('=', Some('=')) => Some(AnyOp::Con(ConOp::Equal)),
            ('<', Some('=')) => Some(AnyOp::Con(ConOp::Less)),
            ('>', Some('=')) => Some(AnyOp::Con(ConOp::Greater)),
            ('<', Some('~')) => Some(AnyOp::Unsupported("formative indicators (`<~`)")),
            _ => None,
        };
        if let Some(op) = two {
            return Some((i, 2, op));
        }
        let one = match c {
            '~' => Some(AnyOp::Rel(RelOp::Regress)),
            '<' => Some(AnyOp::Con(ConOp::Less)),
            '>' => Some(AnyOp::Con(ConOp::Greater)),
            '|' => Some(AnyOp::Unsupported("thresholds (`|`)")),
            _ => None,
        };
        if let Some(op) = one {
            return Some((i, 1, op));
        }
    }
    None
}

fn text_of(chars: &[PosChar]) -> String {
    chars.iter().map(|c| c.ch).collect()
}

/// Parses a whole model string.
pub fn parse_model(model: &str) -> Result<Vec<Statement>, SemError> {
    let mut out = Vec::new();
    for stmt in statements(model) {
        let (at, width, op) = find_operator(&stmt).ok_or_else(|| SemError::Syntax {
            line: stmt[0].line,
            column: stmt[0].column,
            expected: "an operator (=~, ~, ~~, :=, ==, <, >)".to_string(),
            found: format!("`{}` without one", text_of(&stmt)),
        })?;
        let (lhs_chars, rhs_chars) = (&stmt[..at], &stmt[at + width..]);
        if lhs_chars.is_empty() {
            return Err(SemError::Syntax {
                line: stmt[at].line,
                column: stmt[at].column,
                expected: "a name before the operator".to_string(),
                found: "nothing".to_string(),
            });
        }
        if rhs_chars.is_empty() {
            return Err(missing_error(&stmt, "a right-hand side after the operator"));
        }
        let lhs_tokens = tokenize(lhs_chars)?;
        let rhs_tokens = tokenize(rhs_chars)?;
        out.push(match op {
            AnyOp::Unsupported(what) => {
                return Err(SemError::Unsupported {
                    what: what.to_string(),
                })
            }
            AnyOp::Rel(op) => Statement::Relation {
                lhs: single_name(&lhs_tokens)?,
                op,
                terms: parse_terms(&rhs_tokens)?,
            },
            AnyOp::Define => Statement::Define {
                name: single_name(&lhs_tokens)?,
                text: text_of(rhs_chars),
                expr: Expr::parse(&rhs_tokens)?,
            },
            AnyOp::Con(op) => Statement::Constraint {
                lhs_text: text_of(lhs_chars),
                op,
                rhs_text: text_of(rhs_chars),
                lhs: Expr::parse(&lhs_tokens)?,
                rhs: Expr::parse(&rhs_tokens)?,
            },
        });
    }
    Ok(out)
}

fn single_name(tokens: &[Token]) -> Result<String, SemError> {
    match tokens.first().map(|t| &t.tok) {
        Some(Tok::Ident(name)) if tokens.len() == 1 => Ok(name.clone()),
        Some(Tok::Ident(_)) => Err(token_error(tokens, 1, "the operator after a single name")),
        _ => Err(token_error(tokens, 0, "a variable name")),
    }
}

/// `a*x + 1*y + NA*z + start(.5)*w + v`: terms split on top-level `+`.
fn parse_terms(tokens: &[Token]) -> Result<Vec<Term>, SemError> {
    let mut terms = Vec::new();
    let mut pos = 0;
    loop {
        terms.push(parse_term(tokens, &mut pos)?);
        match tokens.get(pos).map(|t| &t.tok) {
            None => return Ok(terms),
            Some(Tok::Sym('+')) => pos += 1,
            Some(_) => {
                return Err(token_error(
                    tokens,
                    pos,
                    "`+`, `*` or the end of the statement",
                ))
            }
        }
    }
}

fn parse_term(tokens: &[Token], pos: &mut usize) -> Result<Term, SemError> {
    let mut modifiers = Modifiers::default();
    loop {
        let here = *pos;
        let tok = tokens.get(here).map(|t| &t.tok);
        let followed_by_star = matches!(tokens.get(here + 1).map(|t| &t.tok), Some(Tok::Sym('*')));
        let followed_by_paren = matches!(tokens.get(here + 1).map(|t| &t.tok), Some(Tok::Sym('(')));
        match tok {
            Some(Tok::Ident(name)) if !followed_by_star && name != "NA" && !followed_by_paren => {
                *pos += 1;
                return Ok(Term {
                    var: name.clone(),
                    modifiers,
                });
            }
            Some(Tok::Number(_)) if !followed_by_star => {
                return Err(SemError::Unsupported {
                    what: "intercepts or numeric terms without a variable".to_string(),
                })
            }
            Some(Tok::Ident(name)) if name == "NA" => {
                *pos += 1;
                modifiers.fixed = Some(Fixed::Free);
            }
            Some(Tok::Ident(name)) if followed_by_paren => {
                *pos += 2;
                let arg = tokens.get(*pos).map(|t| t.tok.clone());
                *pos += 1;
                match (name.as_str(), arg) {
                    ("start", Some(Tok::Number(v))) => modifiers.start = Some(v),
                    ("start", Some(Tok::Sym('-'))) => match tokens.get(*pos).map(|t| &t.tok) {
                        Some(Tok::Number(v)) => {
                            modifiers.start = Some(-v);
                            *pos += 1;
                        }
                        _ => return Err(token_error(tokens, *pos, "a number")),
                    },
                    ("label" | "equal", Some(Tok::Str(s))) => modifiers.label = Some(s),
                    ("start" | "label" | "equal", _) => {
                        return Err(token_error(
                            tokens,
                            here + 2,
                            "a single number or quoted label",
                        ))
                    }
                    ("c", _) => {
                        return Err(SemError::Unsupported {
                            what: "vectors of modifiers (multiple groups)".to_string(),
                        })
                    }
                    _ => {
                        return Err(token_error(
                            tokens,
                            here,
                            "a modifier (start(), label(), a number, NA or a label)",
                        ))
                    }
                }
                if !matches!(tokens.get(*pos).map(|t| &t.tok), Some(Tok::Sym(')'))) {
                    return Err(token_error(tokens, *pos, "`)`"));
                }
                *pos += 1;
            }
            Some(Tok::Ident(name)) => {
                *pos += 1;
                modifiers.label = Some(name.clone());
            }
            Some(Tok::Str(s)) => {
                *pos += 1;
                modifiers.label = Some(s.clone());
            }
            Some(Tok::Number(v)) => {
                *pos += 1;
                modifiers.fixed = Some(Fixed::Value(*v));
            }
            Some(Tok::Sym('-')) => match tokens.get(here + 1).map(|t| &t.tok) {
                Some(Tok::Number(v)) => {
                    *pos += 2;
                    modifiers.fixed = Some(Fixed::Value(-v));
                }
                _ => return Err(token_error(tokens, here + 1, "a number after `-`")),
            },
            _ => return Err(token_error(tokens, here, "a variable name or a modifier")),
        }
        match tokens.get(*pos).map(|t| &t.tok) {
            Some(Tok::Sym('*')) => *pos += 1,
            _ => {
                return Err(token_error(
                    tokens,
                    *pos,
                    "`*` and a variable name after the modifier",
                ))
            }
        }
    }
}
