//! Maps a character offset inside a (possibly folded, multi-line) YAML scalar back to a file line and column.

/// Where character `offset` of the scalar that starts at (`line`, `col`) sits in `src`
/// (all 1-based). Handles one-line scalars, plain multi-line scalars and `>`/`|`
/// block scalars: each source line contributes its trimmed text plus one folding
/// character. Escapes in quoted scalars may shift the column a little.
pub fn locate(src: &str, line: usize, col: usize, offset: usize) -> (usize, usize) {
    let lines: Vec<&str> = src.lines().collect();
    let Some(first) = line.checked_sub(1).and_then(|i| lines.get(i)) else {
        return (line, col);
    };
    let start_byte = char_to_byte(first, col.saturating_sub(1));
    let head = &first[start_byte..];
    let block = head.starts_with('>') || head.starts_with('|');
    let quoted = head.starts_with('"') || head.starts_with('\'');
    // segments: (line number, column of first content char, content length in chars)
    let mut segs: Vec<(usize, usize, usize)> = Vec::new();
    let mut next = line; // 1-based index of the next line to look at
    if !block {
        let content = head.trim_end();
        let skip = usize::from(quoted);
        segs.push((
            line,
            col + skip,
            content.chars().count().saturating_sub(skip),
        ));
        next += 1;
    } else {
        next += 1;
    }
    let base_indent = lines
        .get(next - 1)
        .map(|l| l.len() - l.trim_start().len())
        .unwrap_or(0);
    while let Some(l) = lines.get(next - 1) {
        let indent = l.len() - l.trim_start().len();
        let content = l.trim();
        if !content.is_empty() && (indent < base_indent.max(1) || (!block && indent == 0)) {
            break;
        }
        segs.push((next, indent + 1, content.chars().count()));
        next += 1;
        if segs.len() > 10_000 {
            break;
        }
    }
    let mut left = offset;
    for (ln, c, len) in &segs {
        if left <= *len {
            return (*ln, c + left);
        }
        left -= len + 1;
    }
    (line, col)
}

fn char_to_byte(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(b, _)| b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_and_folded() {
        let src = "- rule: a\n  condition: evt.type = open and bogus.field = 1\n";
        // "bogus" is at offset 22 of the condition, which starts at column 14
        assert_eq!(locate(src, 2, 14, 22), (2, 36));
        let src = "- rule: a\n  condition: >\n    spawned_process\n    and bogus\n  output: x\n";
        assert_eq!(locate(src, 2, 14, 0), (3, 5));
        assert_eq!(locate(src, 2, 14, 20), (4, 9));
        // offsets past the end stay at the start, nothing panics
        assert_eq!(locate(src, 2, 14, 9999), (2, 14));
        assert_eq!(locate("", 7, 3, 1), (7, 3));
        assert_eq!(locate("ab", 1, 99, 1), (1, 99));
    }
}
