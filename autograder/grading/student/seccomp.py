"""A seccomp filter for the worker, and a fresh session keyring for each one.

bubblewrap installs the filter (``bwrap --seccomp FD``) just before it execs the
worker, after it has made its own namespaces, so the filter can refuse what
bubblewrap itself needs. Refused calls fail with EPERM (``clone3`` with ENOSYS, so
that the C library falls back to ``clone``, whose flags a filter can see), as in
container runtimes' default profiles:

- the kernel keyrings (``add_key``, ``request_key``, ``keyctl``): keys outlive the
  process and are shared by uid, so a worker could read the grader's login keys or
  leave data for the next student;
- other processes and the kernel's tracing (``ptrace``, ``process_vm_*``, ``kcmp``,
  ``perf_event_open``, ``bpf``), ``userfaultfd`` and ``io_uring`` (large attack surfaces);
- ``socket(AF_VSOCK, ...)``: virtual-machine sockets are not network-namespaced, so the
  worker's empty network namespace would still reach the hypervisor's host (checked: such a
  socket opens inside ``bwrap --unshare-all`` on this project's virtual machine);
- new namespaces (``unshare``, ``setns``, ``clone`` with a ``CLONE_NEW*`` flag) and every
  mount call (``mount``, ``umount2``, ``pivot_root``, ``chroot``, the new mount API);
- the machine's own state: modules, kexec, reboot, swap, clocks, hostname, quotas,
  accounting, the kernel log, file handles.

``keyctl(KEYCTL_JOIN_SESSION_KEYRING, NULL)`` alone is let through: the worker calls it first
(``remote.py`` starts it through a two-line bootstrap), leaving the grader's session keyring for
a new, empty one, so that even without the filter no key of the grader or of an earlier student
is in reach. Plain ``fork``/threads (``clone`` without namespace flags) stay allowed: NumPy,
matplotlib and student threads work. Only x86-64 and AArch64 are known; elsewhere
``program()`` raises Unsupported with one line to print.

The program is classic BPF, written here with ``struct`` (no libseccomp).
"""

import os
import platform
import struct

#: seccomp_data offsets: syscall number, audit arch, the first argument's low 32 bits, the second's halves.
_NR, _ARCH, _ARG0, _ARG1_LO, _ARG1_HI = 0, 4, 16, 24, 28
#: BPF opcodes used below.
_LD_W_ABS, _JEQ_K, _JSET_K, _JGE_K, _RET_K = 0x20, 0x15, 0x45, 0x35, 0x06
_ALLOW = 0x7FFF0000
_ERRNO = 0x00050000
EPERM, ENOSYS = 1, 38
#: clone flags that make a namespace (NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, NEWTIME).
NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 \
    | 0x40000000 | 0x00000080

#: Refused system calls by class, with their numbers on each architecture (x86-64, AArch64).
DENIED = {
    "keyring": {"add_key": (248, 217), "request_key": (249, 218), "keyctl": (250, 219)},
    "tracing": {"ptrace": (101, 117), "process_vm_readv": (310, 270), "process_vm_writev": (311, 271),
                "kcmp": (312, 272), "perf_event_open": (298, 241), "bpf": (321, 280),
                "userfaultfd": (323, 282), "io_uring_setup": (425, 425), "io_uring_enter": (426, 426),
                "io_uring_register": (427, 427), "lookup_dcookie": (212, 18)},
    "namespace": {"unshare": (272, 97), "setns": (308, 268)},
    "mount": {"mount": (165, 40), "umount2": (166, 39), "pivot_root": (155, 41), "chroot": (161, 51),
              "open_tree": (428, 428), "move_mount": (429, 429), "fsopen": (430, 430), "fsconfig": (431, 431),
              "fsmount": (432, 432), "fspick": (433, 433), "mount_setattr": (442, 442)},
    "system": {"init_module": (175, 105), "finit_module": (313, 273), "delete_module": (176, 106),
               "kexec_load": (246, 104), "kexec_file_load": (320, 294), "reboot": (169, 142),
               "swapon": (167, 224), "swapoff": (168, 225), "acct": (163, 89), "settimeofday": (164, 170),
               "clock_settime": (227, 112), "adjtimex": (159, 171), "clock_adjtime": (305, 266),
               "syslog": (103, 116), "quotactl": (179, 60), "sethostname": (170, 161),
               "setdomainname": (171, 162), "vhangup": (153, 58), "name_to_handle_at": (303, 264),
               "open_by_handle_at": (304, 265), "personality": (135, 92)},
}
#: (audit arch, clone, clone3, column in DENIED) per machine name.
ARCHES = {"x86_64": (0xC000003E, 56, 435, 0), "aarch64": (0xC00000B7, 220, 435, 1)}
#: socket(2) per machine, and the one address family refused: AF_VSOCK is not network-namespaced,
#: so an empty network namespace still reaches a virtual machine's host through it.
SOCKET = {"x86_64": 41, "aarch64": 198}
AF_VSOCK = 40
#: x32 system calls on x86-64 carry this bit: a second table the list above does not name.
_X32_BIT = 0x40000000


class Unsupported(RuntimeError):
    """No filter for this machine's architecture."""


def _op(code, k, jt=0, jf=0):
    """One ``struct sock_filter``: u16 code, u8 jt, u8 jf, u32 k (native byte order)."""
    return struct.pack("=HBBI", code, jt, jf, k)


def program(machine=None):
    """The filter as bytes, ready for ``bwrap --seccomp FD`` (an array of sock_filter)."""
    machine = machine or platform.machine()
    if machine not in ARCHES:
        raise Unsupported(f"no seccomp filter for the {machine} architecture (only x86_64 and aarch64)")
    arch, clone, clone3, column = ARCHES[machine]
    denied = sorted({numbers[column] for calls in DENIED.values() for numbers in calls.values()})
    deny = _op(_RET_K, _ERRNO | EPERM)
    ops = [_op(_LD_W_ABS, _ARCH), _op(_JEQ_K, arch, 1, 0), deny,  # another ABI (i386, x32 ...): refused
           _op(_LD_W_ABS, _NR)]
    if machine == "x86_64":
        ops += [_op(_JGE_K, _X32_BIT, 0, 1), deny]
    ops += [_op(_JEQ_K, clone3, 0, 1), _op(_RET_K, _ERRNO | ENOSYS),
            _op(_JEQ_K, clone, 0, 3), _op(_LD_W_ABS, _ARG0), _op(_JSET_K, NAMESPACE_FLAGS, 0, 1), deny,
            _op(_LD_W_ABS, _NR)]  # reloaded: harmless after a clone without namespace flags
    ops += [_op(_JEQ_K, SOCKET[machine], 0, 3), _op(_LD_W_ABS, _ARG0), _op(_JEQ_K, AF_VSOCK, 0, 1), deny,
            _op(_LD_W_ABS, _NR)]
    # keyctl(KEYCTL_JOIN_SESSION_KEYRING, NULL) alone passes: the worker's first act, before any
    # student code, is to leave the grader's session keyring for a new, empty one of its own.
    keyctl = _KEYCTL[machine]
    ops += [_op(_JEQ_K, keyctl, 0, 8), _op(_LD_W_ABS, _ARG0), _op(_JEQ_K, JOIN_SESSION_KEYRING, 0, 4),
            _op(_LD_W_ABS, _ARG1_LO), _op(_JEQ_K, 0, 0, 2), _op(_LD_W_ABS, _ARG1_HI), _op(_JEQ_K, 0, 1, 0),
            deny, _op(_RET_K, _ALLOW), _op(_LD_W_ABS, _NR)]
    for number in denied:
        ops += [_op(_JEQ_K, number, 0, 1), deny]
    ops.append(_op(_RET_K, _ALLOW))
    return b"".join(ops)


def filter_fd(machine=None):
    """A readable pipe holding ``program()``, for one bwrap (which reads it to the end)."""
    data = program(machine)
    read, write = os.pipe()
    try:
        os.write(write, data)  # a few hundred bytes: well within a pipe's buffer
    finally:
        os.close(write)
    return read


_KEYCTL = {"x86_64": 250, "aarch64": 219}
#: keyctl's one operation left to the worker: JOIN_SESSION_KEYRING with no name (a new, empty keyring).
JOIN_SESSION_KEYRING = 1


def keyctl_number(machine=None):
    """keyctl's system call number here, or None on an unknown architecture."""
    return _KEYCTL.get(machine or platform.machine())
