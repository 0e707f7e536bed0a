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

/// The notes in `data` (an ELF note area): (name, type, desc) each.
fn notes(data: &[u8]) -> Vec<(&[u8], u32, &[u8])> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while let (Some(namesz), Some(descsz), Some(kind)) =
        (u32_at(data, at), u32_at(data, at + 4), u32_at(data, at + 8))
    {
        let name_at = at + 12;
        let desc_at = name_at + (namesz as usize).div_ceil(4) * 4;
        let end = desc_at + (descsz as usize).div_ceil(4) * 4;
        let (Some(name), Some(desc)) = (
            data.get(name_at..name_at + namesz as usize),
            data.get(desc_at..desc_at + descsz as usize),
        ) else {
            break;
        };
        out.push((name.strip_suffix(b"\0").unwrap_or(name), kind, desc));
        at = end;
    }
    out
}

/// The program headers: (type, file offset, virtual address, size in the file) each.
fn segments(bytes: &[u8]) -> Option<Vec<(u32, usize, u64, usize)>> {
    let phoff = usize::try_from(u64_at(bytes, 0x20)?).ok()?;
    let phentsize = usize::from(u16_at(bytes, 0x36)?);
    let phnum = usize::from(u16_at(bytes, 0x38)?);
    (0..phnum)
        .map(|i| {
            let h = phoff.checked_add(i.checked_mul(phentsize)?)?;
            Some((
                u32_at(bytes, h)?,
                usize::try_from(u64_at(bytes, h + 8)?).ok()?,
                u64_at(bytes, h + 16)?,
                usize::try_from(u64_at(bytes, h + 32)?).ok()?,
            ))
        })
        .collect()
}

const PT_LOAD: u32 = 1;
const PT_NOTE: u32 = 4;
const NT_GNU_BUILD_ID: u32 = 3;
const NT_FILE: u32 = 0x4649_4c45;

/// Whether `bytes` is a core file (ELF type ET_CORE).
pub fn is_core(bytes: &[u8]) -> bool {
    bytes.get(..4) == Some(b"\x7fELF") && u16_at(bytes, 16) == Some(4)
}

/// The ELF files a core file's process had mapped, with their GNU build-ids, in address
/// order: (path, build-id). The kernel dumps the first page of every mapped ELF file
/// (coredump_filter bit 4, on by default), and the build-id note lies in it, so this is
/// what names the exact binaries and libraries that crashed (as `eu-unstrip -n --core`).
/// None when `bytes` is not a 64-bit little-endian core file.
pub fn core_build_ids(bytes: &[u8]) -> Option<Vec<(String, String)>> {
    if bytes.get(..6)? != b"\x7fELF\x02\x01" || !is_core(bytes) {
        return None;
    }
    let segments = segments(bytes)?;
    // NT_FILE: count, page size, then (start, end, page offset) each, then the paths.
    let mut mapped = Vec::new();
    for &(_, offset, _, size) in segments.iter().filter(|s| s.0 == PT_NOTE) {
        let area = bytes.get(offset..offset.checked_add(size)?)?;
        for (_, _, desc) in notes(area)
            .into_iter()
            .filter(|n| n.0 == b"CORE" && n.1 == NT_FILE)
        {
            let count = usize::try_from(u64_at(desc, 0)?).ok()?;
            let mut names = desc.get(16 + count.checked_mul(24)?..)?.split(|&b| b == 0);
            for i in 0..count {
                let (start, page) = (u64_at(desc, 16 + i * 24)?, u64_at(desc, 16 + i * 24 + 16)?);
                let name = String::from_utf8_lossy(names.next()?).into_owned();
                if page == 0 {
                    mapped.push((start, name));
                }
            }
        }
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for (start, path) in mapped {
        let Some(&(_, offset, _, size)) = segments
            .iter()
            .find(|s| s.0 == PT_LOAD && s.2 == start && s.3 >= 64)
        else {
            continue; // its first page was not dumped
        };
        let image = bytes.get(offset..offset.checked_add(size)?)?;
        if image.get(..4) != Some(b"\x7fELF") {
            continue;
        }
        let id = segments_of_image(image).and_then(|notes_at| {
            notes_at.into_iter().find_map(|(at, len)| {
                notes(image.get(at..at.checked_add(len)?)?)
                    .into_iter()
                    .find(|n| n.0 == b"GNU" && n.1 == NT_GNU_BUILD_ID)
                    .map(|n| crate::files::hex(n.2))
            })
        });
        if let Some(id) = id
            && !out.iter().any(|(p, _)| *p == path)
        {
            out.push((path, id));
        }
    }
    Some(out)
}

/// The note areas of an ELF image as mapped (its first page): (offset, size) each.
fn segments_of_image(image: &[u8]) -> Option<Vec<(usize, usize)>> {
    Some(
        segments(image)?
            .into_iter()
            .filter(|s| s.0 == PT_NOTE)
            .map(|s| (s.1, s.3))
            .collect(),
    )
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
