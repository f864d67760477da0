//! Where a JSON pointer is in a JSON text: the byte span of the value it names, so that a
//! problem of the registry is drawn at its place (miette) and said with its line and column.
//! serde_json keeps no positions; the texts are a few kilobytes, walked once per problem.

/// The span (start, length) of the value `pointer` names in `text` (RFC 6901: `/versions/0/statut`;
/// `""` is the whole document), or of its nearest existing parent.
pub fn locate(text: &str, pointer: &str) -> (usize, usize) {
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let bytes = text.as_bytes();
    let mut at = skip_ws(bytes, 0);
    for token in &tokens {
        match child(bytes, at, token) {
            Some(next) => at = next,
            None => break,
        }
    }
    (at, value_end(bytes, at).saturating_sub(at).max(1))
}

/// Line and column (1-based, in characters) of byte `offset`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// The end of the string starting at `i` (its opening quote), past its closing quote.
fn string_end(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// The end of the value starting at `i`.
fn value_end(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(b'"') => string_end(b, i),
        Some(b'{') | Some(b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = string_end(b, j);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            b.len()
        }
        Some(_) => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']') && !b[j].is_ascii_whitespace()
            {
                j += 1;
            }
            j
        }
        None => i,
    }
}

/// The start of the member `token` of the object or array starting at `i`.
fn child(b: &[u8], i: usize, token: &str) -> Option<usize> {
    match b.get(i)? {
        b'{' => {
            let mut j = skip_ws(b, i + 1);
            while b.get(j) == Some(&b'"') {
                let key_end = string_end(b, j);
                let key: String = serde_json::from_slice(&b[j..key_end]).ok()?;
                let colon = skip_ws(b, key_end);
                let value = skip_ws(b, colon + 1);
                if key == token {
                    return Some(value);
                }
                j = skip_ws(b, value_end(b, value));
                if b.get(j) == Some(&b',') {
                    j = skip_ws(b, j + 1);
                }
            }
            None
        }
        b'[' => {
            let wanted: usize = token.parse().ok()?;
            let mut j = skip_ws(b, i + 1);
            for k in 0.. {
                if matches!(b.get(j), None | Some(b']')) {
                    return None;
                }
                if k == wanted {
                    return Some(j);
                }
                j = skip_ws(b, value_end(b, j));
                if b.get(j) == Some(&b',') {
                    j = skip_ws(b, j + 1);
                }
            }
            None
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_find_their_values() {
        let text = "{\n  \"versions\": [\n    {\"version\": \"2025.1\", \"a/b\": [1, {\"x\": true}]},\n    {\"statut\": \"x\\\"y\"}\n  ]\n}\n";
        let at = |p: &str| {
            let (start, len) = locate(text, p);
            &text[start..start + len]
        };
        assert_eq!(at("/versions/0/version"), "\"2025.1\"");
        assert_eq!(at("/versions/0/a~1b/1/x"), "true");
        assert_eq!(at("/versions/1/statut"), "\"x\\\"y\"");
        assert!(at("").starts_with('{') && at("").ends_with('}'));
        // A member that is not there: its nearest parent.
        assert!(at("/versions/1/annees").starts_with("{\"statut\""));
        let (start, _) = locate(text, "/versions/1/statut");
        assert_eq!(line_col(text, start), (4, 16));
    }
}
