//! SIRET checksums (contrat §3.3): 14 digits, Luhn on the whole number and on the SIREN (first 9
//! digits); La Poste's establishments (SIREN 356000000) use a sum of digits multiple of 5,
//! except its head office 35600000000048, which follows Luhn.

/// Whether `s` (spaces and dots already removed) is a valid SIRET.
pub(crate) fn is_valid(s: &str) -> bool {
    if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    if s.starts_with("356000000") && s != "35600000000048" {
        let sum: u32 = s.bytes().map(|b| u32::from(b - b'0')).sum();
        return sum.is_multiple_of(5);
    }
    luhn(s) && luhn(&s[..9])
}

fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let dd = d * 2;
                if dd > 9 {
                    dd - 9
                } else {
                    dd
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::is_valid;

    #[test]
    fn real_sirets() {
        // Ohé Prométhée Indre, as printed under its signature in the Châteauroux convention.
        assert!(is_valid("40897223000028"));
        assert!(!is_valid("40897223000029"));
        assert!(!is_valid("4089722300002"));
        assert!(!is_valid("4089722300002A"));
        // La Poste: sum of digits multiple of 5; the head office follows Luhn.
        assert!(is_valid("35600000000048"));
        assert!(is_valid("35600000049837"));
        assert!(!is_valid("35600000049838"));
    }
}
