//! Arithmetic expressions of `:=` definitions and constraints (`r*l1`, `a - b`, `sqrt(v)`),
//! with exact first derivatives by forward-mode differentiation.

use super::error::SemError;
use super::lexer::{token_error, Tok, Token};

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(f64),
    Var(String),
    Neg(Box<Expr>),
    Bin(char, Box<Expr>, Box<Expr>),
    Call(Func, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Func {
    Sqrt,
    Exp,
    Log,
    Abs,
}

/// A value and its derivative with respect to one chosen input.
#[derive(Debug, Clone, Copy)]
struct Dual(f64, f64);

impl Expr {
    /// Parses a whole token slice as one expression.
    pub fn parse(tokens: &[Token]) -> Result<Expr, SemError> {
        let mut pos = 0;
        let e = parse_sum(tokens, &mut pos)?;
        if pos != tokens.len() {
            return Err(token_error(
                tokens,
                pos,
                "an operator or the end of the expression",
            ));
        }
        Ok(e)
    }

    /// Names the expression refers to, in order of first appearance.
    pub fn variables(&self, out: &mut Vec<String>) {
        match self {
            Expr::Num(_) => {}
            Expr::Var(v) => {
                if !out.contains(v) {
                    out.push(v.clone())
                }
            }
            Expr::Neg(a) | Expr::Call(_, a) => a.variables(out),
            Expr::Bin(_, a, b) => {
                a.variables(out);
                b.variables(out);
            }
        }
    }

    /// Value given a lookup of variable values.
    pub fn eval(&self, value_of: &dyn Fn(&str) -> f64) -> f64 {
        self.dual(value_of, "").0
    }

    /// Derivative with respect to the variable named `wrt`.
    pub fn derivative(&self, value_of: &dyn Fn(&str) -> f64, wrt: &str) -> f64 {
        self.dual(value_of, wrt).1
    }

    fn dual(&self, value_of: &dyn Fn(&str) -> f64, wrt: &str) -> Dual {
        match self {
            Expr::Num(v) => Dual(*v, 0.0),
            Expr::Var(v) => Dual(value_of(v), if v == wrt { 1.0 } else { 0.0 }),
            Expr::Neg(a) => {
                let Dual(x, dx) = a.dual(value_of, wrt);
                Dual(-x, -dx)
            }
            Expr::Bin(op, a, b) => {
                let Dual(x, dx) = a.dual(value_of, wrt);
                let Dual(y, dy) = b.dual(value_of, wrt);
                match op {
                    '+' => Dual(x + y, dx + dy),
                    '-' => Dual(x - y, dx - dy),
                    '*' => Dual(x * y, dx * y + x * dy),
                    '/' => Dual(x / y, (dx * y - x * dy) / (y * y)),
                    _ => {
                        let v = x.powf(y);
                        let dlog = if dy == 0.0 { 0.0 } else { v * x.ln() * dy };
                        Dual(v, y * x.powf(y - 1.0) * dx + dlog)
                    }
                }
            }
            Expr::Call(f, a) => {
                let Dual(x, dx) = a.dual(value_of, wrt);
                match f {
                    Func::Sqrt => Dual(x.sqrt(), dx / (2.0 * x.sqrt())),
                    Func::Exp => Dual(x.exp(), x.exp() * dx),
                    Func::Log => Dual(x.ln(), dx / x),
                    Func::Abs => Dual(x.abs(), x.signum() * dx),
                }
            }
        }
    }

    /// The single variable this expression consists of, if it is just a name.
    pub fn as_var(&self) -> Option<&str> {
        match self {
            Expr::Var(v) => Some(v),
            _ => None,
        }
    }

    /// The constant value, if the expression contains no variables.
    pub fn as_constant(&self) -> Option<f64> {
        let mut vars = Vec::new();
        self.variables(&mut vars);
        vars.is_empty().then(|| self.eval(&|_| f64::NAN))
    }
}

fn parse_sum(t: &[Token], pos: &mut usize) -> Result<Expr, SemError> {
    let mut left = parse_product(t, pos)?;
    while let Some(Tok::Sym(c @ ('+' | '-'))) = t.get(*pos).map(|x| &x.tok) {
        let op = *c;
        *pos += 1;
        let right = parse_product(t, pos)?;
        left = Expr::Bin(op, Box::new(left), Box::new(right));
    }
    Ok(left)
}

fn parse_product(t: &[Token], pos: &mut usize) -> Result<Expr, SemError> {
    let mut left = parse_unary(t, pos)?;
    while let Some(Tok::Sym(c @ ('*' | '/'))) = t.get(*pos).map(|x| &x.tok) {
        let op = *c;
        *pos += 1;
        let right = parse_unary(t, pos)?;
        left = Expr::Bin(op, Box::new(left), Box::new(right));
    }
    Ok(left)
}

fn parse_unary(t: &[Token], pos: &mut usize) -> Result<Expr, SemError> {
    match t.get(*pos).map(|x| &x.tok) {
        Some(Tok::Sym('-')) => {
            *pos += 1;
            Ok(Expr::Neg(Box::new(parse_unary(t, pos)?)))
        }
        Some(Tok::Sym('+')) => {
            *pos += 1;
            parse_unary(t, pos)
        }
        _ => parse_power(t, pos),
    }
}

fn parse_power(t: &[Token], pos: &mut usize) -> Result<Expr, SemError> {
    let base = parse_atom(t, pos)?;
    if let Some(Tok::Sym('^')) = t.get(*pos).map(|x| &x.tok) {
        *pos += 1;
        let exponent = parse_unary(t, pos)?;
        return Ok(Expr::Bin('^', Box::new(base), Box::new(exponent)));
    }
    Ok(base)
}

fn parse_atom(t: &[Token], pos: &mut usize) -> Result<Expr, SemError> {
    let here = *pos;
    match t.get(here).map(|x| &x.tok) {
        Some(Tok::Number(v)) => {
            *pos += 1;
            Ok(Expr::Num(*v))
        }
        Some(Tok::Sym('(')) => {
            *pos += 1;
            let e = parse_sum(t, pos)?;
            expect_close(t, pos)?;
            Ok(e)
        }
        Some(Tok::Ident(name)) => {
            *pos += 1;
            if let Some(Tok::Sym('(')) = t.get(*pos).map(|x| &x.tok) {
                let func = match name.as_str() {
                    "sqrt" => Func::Sqrt,
                    "exp" => Func::Exp,
                    "log" => Func::Log,
                    "abs" => Func::Abs,
                    _ => {
                        return Err(token_error(
                            t,
                            here,
                            "one of the functions sqrt, exp, log, abs",
                        ))
                    }
                };
                *pos += 1;
                let arg = parse_sum(t, pos)?;
                expect_close(t, pos)?;
                return Ok(Expr::Call(func, Box::new(arg)));
            }
            Ok(Expr::Var(name.clone()))
        }
        _ => Err(token_error(t, here, "a number, a label or `(`")),
    }
}

fn expect_close(t: &[Token], pos: &mut usize) -> Result<(), SemError> {
    match t.get(*pos).map(|x| &x.tok) {
        Some(Tok::Sym(')')) => {
            *pos += 1;
            Ok(())
        }
        _ => Err(token_error(t, *pos, "`)`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sem::lexer::{statements, tokenize};

    fn parse(text: &str) -> Expr {
        let stmt = statements(text).remove(0);
        Expr::parse(&tokenize(&stmt).unwrap()).unwrap()
    }

    /// Values and derivatives against closed forms at a = 2, b = 0.5.
    #[test]
    fn values_and_derivatives() {
        let at = |n: &str| if n == "a" { 2.0 } else { 0.5 };
        let cases: [(&str, f64, f64, f64); 5] = [
            ("a*b - 3", -2.0, 0.5, 2.0),
            ("a/b", 4.0, 2.0, -8.0),
            ("a^2 + -b", 3.5, 4.0, -1.0),
            ("sqrt(a*b)", 1.0, 0.25, 1.0),
            ("2*(a+b)^3", 31.25, 37.5, 37.5),
        ];
        for (text, value, da, db) in cases {
            let e = parse(text);
            assert!((e.eval(&at) - value).abs() < 1e-14, "{text}");
            assert!((e.derivative(&at, "a") - da).abs() < 1e-13, "{text} d/da");
            assert!((e.derivative(&at, "b") - db).abs() < 1e-13, "{text} d/db");
        }
    }
}
