//! The network sandbox: a child process in a fresh Linux network namespace, so nothing a
//! build runs (build scripts, proc macros, tests) can reach the network. Its loopback is
//! brought up, so tests can still talk to 127.0.0.1.

use std::io;
use std::process::Command;

#[cfg(target_os = "linux")]
pub fn isolate_network(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // Everything the child needs is prepared here: between fork and exec only
    // async-signal-safe calls are allowed, so no allocation happens in the hook.
    let uid = unsafe { libc::geteuid() };
    let gid = unsafe { libc::getegid() };
    let uid_map = format!("{uid} {uid} 1");
    let gid_map = format!("{gid} {gid} 1");
    let hook = move || -> io::Result<()> {
        // SAFETY: plain syscalls on memory owned by this closure.
        unsafe {
            if libc::unshare(libc::CLONE_NEWNET) != 0 {
                let err = io::Error::last_os_error();
                if err.raw_os_error() != Some(libc::EPERM) {
                    return Err(err);
                }
                // Not privileged: an unprivileged user namespace grants the capability,
                // mapping our own uid/gid onto themselves so file ownership is unchanged.
                if libc::unshare(libc::CLONE_NEWUSER | libc::CLONE_NEWNET) != 0 {
                    return Err(io::Error::last_os_error());
                }
                write_proc(c"/proc/self/setgroups", b"deny")?;
                write_proc(c"/proc/self/uid_map", uid_map.as_bytes())?;
                write_proc(c"/proc/self/gid_map", gid_map.as_bytes())?;
            }
            loopback_up()?;
            libc::umask(0o022);
        }
        Ok(())
    };
    unsafe { cmd.pre_exec(hook) };
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
pub fn isolate_network(_cmd: &mut Command) {}

/// Whether a sandboxed child can be started here: runs `true` inside one.
pub fn probe() -> io::Result<()> {
    if !cfg!(target_os = "linux") {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "network namespaces exist only on Linux",
        ));
    }
    let mut cmd = Command::new("true");
    isolate_network(&mut cmd);
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
