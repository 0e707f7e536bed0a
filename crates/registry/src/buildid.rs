//! The GNU build-id of an ELF file (64-bit little-endian, what Keel builds), for indexing
//! published binaries and debug files so debuggers can ask for them by build-id
//! (debuginfod). Just enough ELF: the section table and the build-id note. (xtask reads
//! the same note for its manifests, in `xtask/src/build/elf.rs`; xtask and the product
//! workspace share no code, see ARCHITECTURE.md.)

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}
fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}
fn u64_at(b: &[u8], at: usize) -> Option<usize> {
    usize::try_from(u64::from_le_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
    .ok()
}

/// The build-id in hex, or None when `bytes` is not such an ELF file or has none.
pub fn of(bytes: &[u8]) -> Option<String> {
    if bytes.get(..6)? != b"\x7fELF\x02\x01" {
        return None;
    }
    let shoff = u64_at(bytes, 0x28)?;
    let shentsize = usize::from(u16_at(bytes, 0x3a)?);
    let shnum = usize::from(u16_at(bytes, 0x3c)?);
    let shstrndx = usize::from(u16_at(bytes, 0x3e)?);
    if shentsize < 64 {
        return None;
    }
    let header = |i: usize| shoff.checked_add(i.checked_mul(shentsize)?);
    let strtab = u64_at(bytes, header(shstrndx)?.checked_add(24)?)?;
    for i in 0..shnum {
        let h = header(i)?;
        let name_at = strtab.checked_add(u32_at(bytes, h)? as usize)?;
        let name = bytes.get(name_at..)?;
        if !name.starts_with(b".note.gnu.build-id\0") || u32_at(bytes, h + 4)? == 8 {
            continue;
        }
        let note = bytes.get(u64_at(bytes, h + 24)?..)?;
        let namesz = u32_at(note, 0)? as usize;
        let descsz = u32_at(note, 4)? as usize;
        if u32_at(note, 8)? != 3 || note.get(12..12usize.checked_add(namesz)?)? != b"GNU\0" {
            return None;
        }
        let desc = 12 + namesz.div_ceil(4) * 4;
        let id = note.get(desc..desc.checked_add(descsz)?)?;
        return Some(id.iter().map(|b| format!("{b:02x}")).collect());
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_test_binary_has_a_build_id_and_other_bytes_none() {
        let me = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let id = super::of(&me).expect("the linker writes a build-id");
        assert!(
            id.len() >= 16 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            "{id}"
        );
        assert_eq!(super::of(b"not an ELF file at all"), None);
        assert_eq!(super::of(&me[..200]), None);
    }
}
