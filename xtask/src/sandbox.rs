//! The sandbox: a child process in fresh Linux network and mount namespaces. Nothing a
//! build runs (build scripts, proc macros, tests) can reach the network; its loopback is
//! brought up, so tests can still talk to 127.0.0.1. And the checkout is at one fixed path
//! ([`FIXED_ROOT`]), whatever its path on the host: every clone issues the same compiler
//! commands.

use std::io;
use std::path::Path;
use std::process::Command;

/// Where the checkout is inside the sandbox: one path for every clone, so every clone gives
/// the compiler the same commands (and a compilation cache serves them all).
pub const FIXED_ROOT: &str = "/mnt/keel/src";

/// What the sandbox mounts a fresh tmpfs on to make [`FIXED_ROOT`]: hidden from the build
/// only, in its own mount namespace.
const MOUNT_BASE: &std::ffi::CStr = c"/mnt";

/// Runs `cmd` in fresh network and mount namespaces (in a user namespace too when not
/// root): loopback only, and the checkout `root` bind-mounted at [`FIXED_ROOT`], where the
/// child starts if it was to start below `root`.
#[cfg(target_os = "linux")]
pub fn isolate(cmd: &mut Command, root: &Path) {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::process::CommandExt;
    // Everything the child needs is prepared here: between fork and exec only
    // async-signal-safe calls are allowed, so no allocation happens in the hook.
    let uid = unsafe { libc::geteuid() };
    let gid = unsafe { libc::getegid() };
    let uid_map = format!("{uid} {uid} 1");
    let gid_map = format!("{gid} {gid} 1");
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let root_bytes = root.as_os_str().as_bytes().to_vec();
    let root_c = std::ffi::CString::new(root_bytes.clone()).unwrap_or_default();
    let mut cwd = vec![0u8; libc::PATH_MAX as usize];
    let mut inside = vec![0u8; libc::PATH_MAX as usize + FIXED_ROOT.len() + 1];
    let mut fd_path = [0u8; 32];
    let hook = move || -> io::Result<()> {
        // SAFETY: plain syscalls on memory owned by this closure.
        unsafe {
            // std has already changed to the requested directory: remember it.
            let have_cwd = !libc::getcwd(cwd.as_mut_ptr().cast(), cwd.len()).is_null();
            let flags = libc::CLONE_NEWNET | libc::CLONE_NEWNS;
            if libc::unshare(flags) != 0 {
                let err = io::Error::last_os_error();
                if err.raw_os_error() != Some(libc::EPERM) {
                    return Err(err);
                }
                // Not privileged: an unprivileged user namespace grants the capabilities,
                // mapping our own uid/gid onto themselves so file ownership is unchanged.
                if libc::unshare(libc::CLONE_NEWUSER | flags) != 0 {
                    return Err(io::Error::last_os_error());
                }
                write_proc(c"/proc/self/setgroups", b"deny")?;
                write_proc(c"/proc/self/uid_map", uid_map.as_bytes())?;
                write_proc(c"/proc/self/gid_map", gid_map.as_bytes())?;
            }
            // Nothing mounted here reaches the host's namespace.
            check(libc::mount(
                std::ptr::null(),
                c"/".as_ptr(),
                std::ptr::null(),
                libc::MS_REC | libc::MS_PRIVATE,
                std::ptr::null(),
            ))?;
            // Held open across the tmpfs, which may hide the checkout's own path.
            let fd = libc::open(
                root_c.as_ptr(),
                libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC,
            );
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            check(libc::mount(
                c"tmpfs".as_ptr(),
                MOUNT_BASE.as_ptr(),
                c"tmpfs".as_ptr(),
                libc::MS_NOSUID | libc::MS_NODEV,
                c"mode=0755".as_ptr().cast(),
            ))?;
            check(libc::mkdir(c"/mnt/keel".as_ptr(), 0o755))?;
            check(libc::mkdir(c"/mnt/keel/src".as_ptr(), 0o755))?;
            let n = proc_fd_path(&mut fd_path, fd);
            fd_path[n] = 0;
            check(libc::mount(
                fd_path.as_ptr().cast(),
                c"/mnt/keel/src".as_ptr(),
                std::ptr::null(),
                libc::MS_BIND | libc::MS_REC,
                std::ptr::null(),
            ))?;
            libc::close(fd);
            // The same place below the fixed root as it was below the checkout.
            if have_cwd {
                let len = cwd.iter().position(|b| *b == 0).unwrap_or(0);
                let here = &cwd[..len];
                if here.starts_with(&root_bytes)
                    && (here.len() == root_bytes.len() || here[root_bytes.len()] == b'/')
                {
                    let rest = &here[root_bytes.len()..];
                    let fixed = FIXED_ROOT.as_bytes();
                    inside[..fixed.len()].copy_from_slice(fixed);
                    inside[fixed.len()..fixed.len() + rest.len()].copy_from_slice(rest);
                    inside[fixed.len() + rest.len()] = 0;
                    check(libc::chdir(inside.as_ptr().cast()))?;
                }
            }
            loopback_up()?;
            libc::umask(0o022);
        }
        Ok(())
    };
    unsafe { cmd.pre_exec(hook) };
}

#[cfg(target_os = "linux")]
fn check(rc: libc::c_int) -> io::Result<()> {
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// `/proc/self/fd/<fd>` into `buf` without allocating; its length.
#[cfg(target_os = "linux")]
fn proc_fd_path(buf: &mut [u8; 32], fd: libc::c_int) -> usize {
    let prefix = b"/proc/self/fd/";
    buf[..prefix.len()].copy_from_slice(prefix);
    let mut digits = [0u8; 12];
    let (mut n, mut v) = (0, fd.max(0) as u32);
    loop {
        digits[n] = b'0' + (v % 10) as u8;
        n += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for i in 0..n {
        buf[prefix.len() + i] = digits[n - 1 - i];
    }
    prefix.len() + n
}

#[cfg(target_os = "linux")]
unsafe fn write_proc(path: &std::ffi::CStr, data: &[u8]) -> io::Result<()> {
    unsafe {
        let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let n = libc::write(fd, data.as_ptr().cast(), data.len());
        let err = io::Error::last_os_error();
        libc::close(fd);
        if n != data.len() as isize {
            return Err(err);
        }
    }
    Ok(())
}

/// `ip link set lo up`, by ioctl: a new namespace's loopback starts down.
#[cfg(target_os = "linux")]
unsafe fn loopback_up() -> io::Result<()> {
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let mut req: libc::ifreq = std::mem::zeroed();
        for (dst, src) in req.ifr_name.iter_mut().zip(b"lo\0") {
            *dst = *src as libc::c_char;
        }
        let mut rc = libc::ioctl(fd, libc::SIOCGIFFLAGS as _, &mut req);
        if rc == 0 {
            req.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
            rc = libc::ioctl(fd, libc::SIOCSIFFLAGS as _, &req);
        }
        let err = io::Error::last_os_error();
        libc::close(fd);
        if rc != 0 {
            return Err(err);
        }
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
pub fn isolate(_cmd: &mut Command, _root: &Path) {}

/// Whether a sandboxed child can be started here: runs `true` inside one.
pub fn probe() -> io::Result<()> {
    if !cfg!(target_os = "linux") {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "network namespaces exist only on Linux",
        ));
    }
    let mut cmd = Command::new("true");
    isolate(&mut cmd, &std::env::temp_dir());
    let status = cmd.status()?;
    if status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "`true` in the sandbox exited with {status}"
        )))
    }
}

/// The fix to print when the sandbox cannot be created.
pub const HELP: &str = "run as root, or allow unprivileged user namespaces \
     (`sysctl -w kernel.unprivileged_userns_clone=1` / `kernel.apparmor_restrict_unprivileged_userns=0`), \
     or pass --no-sandbox (the manifest then records that the build was not isolated)";
