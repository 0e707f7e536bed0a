//! Just enough ELF (64-bit little-endian, the pinned x86_64 target) to name sections and read
//! the GNU build-id: to tie a binary to its debug file and to say in which section two
//! builds first differ.

/// A section: name and its byte range in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub offset: u64,
    pub size: u64,
    /// SHT_NOBITS sections (.bss, and code in a debug-only file) occupy no file bytes.
    pub in_file: bool,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}
fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}
fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// The section table, or None when `bytes` is not a 64-bit little-endian ELF file.
pub fn sections(bytes: &[u8]) -> Option<Vec<Section>> {
    if bytes.get(..6)? != b"\x7fELF\x02\x01" {
        return None;
    }
    let shoff = usize::try_from(u64_at(bytes, 0x28)?).ok()?;
    let shentsize = usize::from(u16_at(bytes, 0x3a)?);
    let shnum = usize::from(u16_at(bytes, 0x3c)?);
    let shstrndx = usize::from(u16_at(bytes, 0x3e)?);
    if shentsize < 64 {
        return None;
    }
    let header = |i: usize| shoff.checked_add(i.checked_mul(shentsize)?);
    let strtab = usize::try_from(u64_at(bytes, header(shstrndx)? + 24)?).ok()?;
    let mut out = Vec::with_capacity(shnum);
    for i in 0..shnum {
        let h = header(i)?;
        let name_at = strtab.checked_add(u32_at(bytes, h)? as usize)?;
        let name_bytes = bytes.get(name_at..)?;
        let end = name_bytes.iter().position(|&c| c == 0)?;
        out.push(Section {
            name: String::from_utf8_lossy(&name_bytes[..end]).into_owned(),
            in_file: u32_at(bytes, h + 4)? != 8, // SHT_NOBITS
            offset: u64_at(bytes, h + 24)?,
            size: u64_at(bytes, h + 32)?,
        });
    }
    Some(out)
}

/// The GNU build-id (hex), from the `.note.gnu.build-id` section.
pub fn build_id(bytes: &[u8]) -> Option<String> {
    let s = sections(bytes)?
        .into_iter()
        .find(|s| s.name == ".note.gnu.build-id" && s.in_file)?;
    let note = bytes.get(usize::try_from(s.offset).ok()?..)?;
    let namesz = u32_at(note, 0)? as usize;
    let descsz = u32_at(note, 4)? as usize;
    if u32_at(note, 8)? != 3 || note.get(12..12 + namesz)? != b"GNU\0" {
        return None; // not NT_GNU_BUILD_ID
    }
    let desc = 12 + namesz.div_ceil(4) * 4;
    Some(crate::files::hex(note.get(desc..desc + descsz)?))
}

/// Where a file offset falls: the section holding it, or the ELF/program/section headers.
pub fn locate(bytes: &[u8], offset: u64) -> Option<String> {
    let sections = sections(bytes)?;
    let hit = sections
        .iter()
        .filter(|s| s.in_file && s.size > 0 && s.offset <= offset && offset < s.offset + s.size)
        .min_by_key(|s| s.size);
    Some(match hit {
        Some(s) if !s.name.is_empty() => format!("section {} (+{:#x})", s.name, offset - s.offset),
        Some(s) => format!("an unnamed section (+{:#x})", offset - s.offset),
        None => "outside every section (ELF, program or section headers)".into(),
    })
}

/// Every dynamic symbol bound to a glibc symbol version (`GLIBC_2.x`), as (symbol, version):
/// what the binary needs of the C library it will run against. Read from `.dynsym`,
/// `.gnu.version` and `.gnu.version_r`; empty for a file that needs no versioned symbol.
pub fn glibc_symbol_versions(bytes: &[u8]) -> Option<Vec<(String, String)>> {
    let sections = sections(bytes)?;
    let find = |name: &str| {
        sections
            .iter()
            .find(|s| s.name == name && s.in_file)
            .and_then(|s| {
                let start = usize::try_from(s.offset).ok()?;
                bytes.get(start..start.checked_add(usize::try_from(s.size).ok()?)?)
            })
    };
    let (Some(dynsym), Some(dynstr), Some(versym), Some(verneed)) = (
        find(".dynsym"),
        find(".dynstr"),
        find(".gnu.version"),
        find(".gnu.version_r"),
    ) else {
        return Some(Vec::new());
    };
    let string = |at: u32| -> Option<String> {
        let s = dynstr.get(at as usize..)?;
        let end = s.iter().position(|&c| c == 0)?;
        Some(String::from_utf8_lossy(&s[..end]).into_owned())
    };
    // Version index -> name, for the versions the binary needs.
    let mut names = std::collections::BTreeMap::new();
    let mut need = 0usize;
    loop {
        let count = u16_at(verneed, need + 2)?;
        let mut aux = need.checked_add(u32_at(verneed, need + 8)? as usize)?;
        for _ in 0..count {
            let index = u16_at(verneed, aux + 6)?;
            names.insert(index, string(u32_at(verneed, aux + 8)?)?);
            match u32_at(verneed, aux + 12)? {
                0 => break,
                next => aux = aux.checked_add(next as usize)?,
            }
        }
        match u32_at(verneed, need + 12)? {
            0 => break,
            next => need = need.checked_add(next as usize)?,
        }
    }
    let mut out = Vec::new();
    for i in 0..dynsym.len() / 24 {
        let index = u16_at(versym, i * 2)? & 0x7fff;
        if let Some(version) = names.get(&index).filter(|v| v.starts_with("GLIBC_")) {
            out.push((string(u32_at(dynsym, i * 24)?)?, version.clone()));
        }
    }
    Some(out)
}

/// Whether glibc symbol version `version` (`GLIBC_2.34`) is newer than `floor` (`2.28`).
pub fn glibc_newer_than(version: &str, floor: &str) -> bool {
    let parts = |v: &str| -> Vec<u32> { v.split('.').map(|p| p.parse().unwrap_or(0)).collect() };
    let v = version.strip_prefix("GLIBC_").unwrap_or(version);
    // GLIBC_PRIVATE and the like are not releases: never above a floor.
    if !v.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    parts(v) > parts(floor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_glibc_versions_this_test_binary_needs() {
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let needs = glibc_symbol_versions(&exe).expect("an ELF file");
        assert!(
            needs
                .iter()
                .any(|(sym, v)| sym == "malloc" && v.starts_with("GLIBC_2.")),
            "{needs:?}"
        );
    }

    #[test]
    fn compares_glibc_versions_as_numbers() {
        assert!(glibc_newer_than("GLIBC_2.34", "2.28"));
        assert!(glibc_newer_than("GLIBC_2.3.4", "2.3"));
        assert!(!glibc_newer_than("GLIBC_2.9", "2.28"));
        assert!(!glibc_newer_than("GLIBC_2.28", "2.28"));
        assert!(!glibc_newer_than("GLIBC_PRIVATE", "2.28"));
    }

    #[test]
    fn reads_this_test_binarys_own_sections() {
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let all = sections(&exe).expect("the test binary is ELF64 LE");
        let text = all.iter().find(|s| s.name == ".text").expect(".text");
        assert!(text.size > 0 && text.in_file);
        assert_eq!(
            locate(&exe, text.offset + 1).as_deref(),
            Some(".text (+0x1)")
                .map(|s| format!("section {s}"))
                .as_deref()
        );
        assert_eq!(sections(b"#!/bin/sh\n"), None);
        assert_eq!(build_id(b"not elf"), None);
    }
}
