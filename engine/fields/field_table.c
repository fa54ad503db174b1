/* field_table.c: the registry of every field Saker knows.
 *
 * Names and types are Falco's (a rule written for Falco must compile here
 * unchanged); descriptions are Saker's own. Lookup is by exact name through
 * a sorted index built once; the table itself stays in display order. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "fields_internal.h"

#define STR SK_FT_STRING
#define BYT SK_FT_BYTES
#define I64 SK_FT_INT64
#define U64 SK_FT_UINT64
#define BOL SK_FT_BOOL
#define DBL SK_FT_DOUBLE
#define IPA SK_FT_IPADDR
#define NET SK_FT_IPNET
#define ABS SK_FT_ABSTIME
#define REL SK_FT_RELTIME

#define IDX SK_FF_ARG_INDEX
#define KEY SK_FF_ARG_KEY
#define REQ SK_FF_ARG_REQUIRED
#define LST SK_FF_LIST
#define HID SK_FF_HIDDEN
#define CST SK_FF_COSTLY

/* Only fields that share an extractor name their sub; the rest leave it 0. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const sk_field_def field_table[] = {
	/* evt: every event */
	{"evt.num", U64, 0, "sequence number the reader gave the event", sk_xf_evt_num},
	{"evt.time", STR, 0, "event time of day, HH:MM:SS.nnnnnnnnn (local time)", sk_xf_evt_time},
	{"evt.time.s", STR, 0, "event time of day without the nanoseconds", sk_xf_evt_time},
	{"evt.time.iso8601", STR, 0, "event time as ISO 8601 in UTC with nanoseconds", sk_xf_evt_time},
	{"evt.datetime", STR, 0, "event date and time of day with nanoseconds", sk_xf_evt_time},
	{"evt.datetime.s", STR, 0, "event date and time of day without nanoseconds", sk_xf_evt_time},
	{"evt.rawtime", ABS, 0, "event time in nanoseconds since the epoch", sk_xf_evt_time_num},
	{"evt.rawtime.s", ABS, 0, "whole seconds of the event time since the epoch", sk_xf_evt_time_num},
	{"evt.rawtime.ns", ABS, 0, "nanosecond part of the event time", sk_xf_evt_time_num},
	{"evt.reltime", REL, 0, "nanoseconds since the first event of the capture", sk_xf_evt_time_num},
	{"evt.reltime.s", REL, 0, "whole seconds since the first event of the capture", sk_xf_evt_time_num},
	{"evt.reltime.ns", REL, 0, "nanosecond part of the time since the first event", sk_xf_evt_time_num},
	{"evt.pluginname", STR, 0, "plugin that produced the event (plugin events only)", NULL},
	{"evt.plugininfo", STR, 0, "plugin's own summary of the event (plugin events only)", NULL},
	{"evt.source", STR, 0, "event source the event belongs to (syscall)", sk_xf_evt_source},
	{"evt.hostname", STR, 0, "name of the host the event was captured on", sk_xf_evt_hostname},
	{"static", STR, KEY | REQ, "a value of falco.yaml's static_fields, as static.<name>", sk_xf_static_field},
	{"evt.is_async", BOL, 0, "true for events not caused by the thread's own syscall", sk_xf_evt_is_async},
	{"evt.asynctype", STR, 0, "type name of an asynchronous event", NULL},
	/* evt: syscall events */
	{"evt.latency", REL, 0, "time between the syscall's enter and exit, ns", sk_xf_evt_latency},
	{"evt.latency.s", REL, 0, "whole seconds of evt.latency", sk_xf_evt_latency},
	{"evt.latency.ns", REL, 0, "nanosecond part of evt.latency", sk_xf_evt_latency},
	{"evt.latency.human", STR, 0, "evt.latency as readable text (10.3ms)", sk_xf_evt_latency},
	{"evt.deltatime", REL, 0, "time since the previous event, ns", sk_xf_evt_deltatime},
	{"evt.deltatime.s", REL, 0, "whole seconds of evt.deltatime", sk_xf_evt_deltatime},
	{"evt.deltatime.ns", REL, 0, "nanosecond part of evt.deltatime", sk_xf_evt_deltatime},
	{"evt.dir", STR, 0, "direction: '>' syscall entry, '<' syscall exit", sk_xf_evt_dir},
	{"evt.type", STR, SK_FF_EVTTYPE, "event name (open, execve, connect...)", sk_xf_evt_type},
	{"evt.type.is", U64, KEY | REQ, "1 when the event is of the type named by the key, else 0", sk_xf_evt_type_is},
	{"syscall.type", STR, 0, "syscall name; unset for non-syscall events", sk_xf_syscall_type},
	{"evt.category", STR, 0, "event category (file, net, process, memory...)", sk_xf_evt_category},
	{"evt.cpu", I64, 0, "CPU the event was captured on", sk_xf_evt_cpu},
	{"evt.args", STR, CST, "all parameters rendered as name=value text", sk_xf_evt_args},
	{"evt.arg", STR, IDX | KEY | REQ | CST, "one parameter, by name or position, rendered as text", sk_xf_evt_arg},
	{"evt.rawarg", I64, KEY | REQ, "one parameter by name, as its raw value", sk_xf_evt_rawarg},
	{"evt.info", STR, 0, "summary of the event (the parameters, like evt.args)", sk_xf_evt_args},
	{"evt.buffer", BYT, CST, "data buffer of I/O events (read, write, sendto...)", sk_xf_evt_buffer},
	{"evt.buflen", U64, 0, "length of the I/O event's data buffer", sk_xf_evt_buffer},
	{"evt.res", STR, 0, "return value: SUCCESS, or an errno name such as ENOENT", sk_xf_evt_res},
	{"evt.rawres", I64, 0, "return value as a number", sk_xf_evt_res},
	{"evt.failed", BOL, 0, "true when the syscall returned an error", sk_xf_evt_res},
	{"evt.is_io", BOL, 0, "true for events that read or write data", sk_xf_evt_is},
	{"evt.is_io_read", BOL, 0, "true for events that read data", sk_xf_evt_is},
	{"evt.is_io_write", BOL, 0, "true for events that write data", sk_xf_evt_is},
	{"evt.io_dir", STR, 0, "'r' for reads, 'w' for writes", sk_xf_evt_is},
	{"evt.is_wait", BOL, 0, "true for events that make the thread wait", sk_xf_evt_is},
	{"evt.wait_latency", REL, 0, "time the thread waited, for wait events", NULL},
	{"evt.is_syslog", BOL, 0, "true for writes to /dev/log", sk_xf_evt_is},
	{"evt.count", U64, 0, "1 for every event (for aggregation)", sk_xf_evt_count},
	{"evt.count.error", U64, 0, "1 for events that failed", sk_xf_evt_count},
	{"evt.count.error.file", U64, 0, "1 for failed file events", sk_xf_evt_count},
	{"evt.count.error.net", U64, 0, "1 for failed network events", sk_xf_evt_count},
	{"evt.count.error.memory", U64, 0, "1 for failed memory events", sk_xf_evt_count},
	{"evt.count.error.other", U64, 0, "1 for failed events of other categories", sk_xf_evt_count},
	{"evt.count.exit", U64, 0, "1 for exit events", sk_xf_evt_count},
	{"evt.around", U64, KEY | HID, "accepted for compatibility; matches nothing", NULL},
	{"evt.abspath", STR, IDX | KEY, "absolute path from a dirfd + path pair (unlinkat, renameat...)", sk_xf_evt_abspath},
	{"evt.abspath.src", STR, 0, "absolute source path of renameat/linkat", sk_xf_evt_abspath},
	{"evt.abspath.dst", STR, 0, "absolute destination path of renameat/linkat", sk_xf_evt_abspath},

	/* fs.path: the path a filesystem syscall acts on (unlink, rename... too), when it succeeded */
	{"fs.path.name", STR, 0, "path the syscall acts on, relative ones after the cwd", sk_xf_fs_path},
	{"fs.path.nameraw", STR, 0, "path the syscall acts on, as given", sk_xf_fs_path},
	{"fs.path.source", STR, 0, "source path of rename, link, symlink, mount, after the cwd", sk_xf_fs_path},
	{"fs.path.sourceraw", STR, 0, "source path as given", sk_xf_fs_path},
	{"fs.path.target", STR, 0, "target path of rename, link, symlink, mount, after the cwd", sk_xf_fs_path},
	{"fs.path.targetraw", STR, 0, "target path as given", sk_xf_fs_path},
	{"evt.is_open_read", BOL, 0, "true for open* events that open for reading",
	 sk_xf_evt_is_open, SK_SUB_OPEN_READ},
	{"evt.is_open_write", BOL, 0, "true for open* events that open for writing",
	 sk_xf_evt_is_open, SK_SUB_OPEN_WRITE},
	{"evt.is_open_exec", BOL, 0, "true for open* events that create an executable file",
	 sk_xf_evt_is_open, SK_SUB_OPEN_EXEC},
	{"evt.is_open_create", BOL, 0, "true for open* events that create the file",
	 sk_xf_evt_is_open, SK_SUB_OPEN_CREATE},

	/* proc: the process (thread group) of the event's thread */
	{"proc.pid", I64, 0, "process id (thread group id, host namespace)", sk_xf_proc_num},
	{"proc.exe", STR, 0, "first command-line argument (argv[0]) as the process saw it",
	 sk_xf_proc_str, SK_SUB_PROC_EXE},
	{"proc.name", STR, 0, "process name (the kernel's comm)", sk_xf_proc_str, SK_SUB_PROC_NAME},
	{"proc.args", STR, CST, "command-line arguments after argv[0], joined by spaces",
	 sk_xf_proc_str, SK_SUB_PROC_ARGS},
	{"proc.env", STR, KEY | CST, "environment, or with [NAME] one variable's value", sk_xf_proc_env},
	{"proc.aenv", STR, IDX | KEY | LST | CST,
	 "ancestor environment: [N] the Nth ancestor's, [NAME] the first ancestor's value; no index = any",
	 sk_xf_proc_aenv},
	{"proc.cmdnargs", U64, 0, "number of command-line arguments after argv[0]", sk_xf_proc_num},
	{"proc.cmdlenargs", U64, 0, "characters in the arguments after argv[0], separators not counted",
	 sk_xf_proc_num},
	{"proc.cmdline", STR, CST, "process name followed by its arguments",
	 sk_xf_proc_str, SK_SUB_PROC_CMDLINE},
	{"proc.exeline", STR, CST, "argv[0] followed by the arguments", sk_xf_proc_str, SK_SUB_PROC_EXELINE},
	{"proc.cwd", STR, 0, "current working directory", sk_xf_proc_str, SK_SUB_PROC_CWD},
	{"proc.nthreads", U64, 0, "threads in the process, as far as the state knows", sk_xf_proc_num},
	{"proc.nchilds", U64, 0, "child threads known to the state", sk_xf_proc_num},
	{"proc.ppid", I64, 0, "parent process id", sk_xf_proc_num},
	{"proc.pname", STR, 0, "parent process name", sk_xf_proc_parent, SK_SUB_PROC_NAME},
	{"proc.pcmdline", STR, CST, "parent process name and arguments",
	 sk_xf_proc_parent, SK_SUB_PROC_CMDLINE},
	{"proc.pexe", STR, 0, "parent's argv[0]", sk_xf_proc_parent, SK_SUB_PROC_EXE},
	{"proc.pexepath", STR, 0, "parent's executable path", sk_xf_proc_parent, SK_SUB_PROC_EXEPATH},
	{"proc.apid", I64, IDX | LST | CST, "ancestor pid: [1] parent, [2] grandparent...; no index = any",
	 sk_xf_proc_ancestor, SK_SUB_PROC_PID},
	{"proc.aname", STR, IDX | LST | CST, "ancestor name: [1] parent...; no index = any ancestor",
	 sk_xf_proc_ancestor, SK_SUB_PROC_NAME},
	{"proc.aexe", STR, IDX | LST | CST, "ancestor argv[0]: [1] parent...; no index = any",
	 sk_xf_proc_ancestor, SK_SUB_PROC_EXE},
	{"proc.aexepath", STR, IDX | LST | CST, "ancestor executable path: [1] parent...; no index = any",
	 sk_xf_proc_ancestor, SK_SUB_PROC_EXEPATH},
	{"proc.acmdline", STR, IDX | LST | CST, "ancestor command line: [1] parent...; no index = any",
	 sk_xf_proc_ancestor, SK_SUB_PROC_CMDLINE},
	{"proc.loginshellid", I64, 0, "pid of the outermost shell among the ancestors", sk_xf_proc_num},
	{"proc.duration", REL, 0, "ns since the process started", sk_xf_proc_num},
	{"proc.ppid.duration", REL, 0, "ns since the parent process started", sk_xf_proc_num},
	{"proc.pid.ts", ABS, 0, "start time of the process, ns since the epoch", sk_xf_proc_num},
	{"proc.ppid.ts", ABS, 0, "start time of the parent process", sk_xf_proc_num},
	{"proc.fdopencount", U64, 0, "open file descriptors the state knows for the process", sk_xf_proc_num},
	{"proc.fdlimit", I64, 0, "file descriptor limit of the process", sk_xf_proc_num},
	{"proc.fdusage", DBL, 0, "open fds as a percentage of the fd limit", sk_xf_proc_num},
	{"proc.vmsize", U64, 0, "virtual memory size in KiB", sk_xf_proc_num},
	{"proc.vmrss", U64, 0, "resident memory in KiB", sk_xf_proc_num},
	{"proc.vmswap", U64, 0, "swapped memory in KiB", sk_xf_proc_num},
	{"proc.sid", I64, 0, "session id", sk_xf_proc_num},
	{"proc.sname", STR, 0, "name of the session leader process",
	 sk_xf_proc_session_leader, SK_SUB_PROC_NAME},
	{"proc.sid.exe", STR, 0, "argv[0] of the session leader", sk_xf_proc_session_leader, SK_SUB_PROC_EXE},
	{"proc.sid.exepath", STR, 0, "executable path of the session leader",
	 sk_xf_proc_session_leader, SK_SUB_PROC_EXEPATH},
	{"proc.tty", I64, 0, "controlling terminal device number, 0 when none", sk_xf_proc_num},
	{"proc.exepath", STR, 0, "full path of the executable", sk_xf_proc_str, SK_SUB_PROC_EXEPATH},
	{"proc.vpid", I64, 0, "process id inside its pid namespace", sk_xf_proc_num},
	{"proc.pvpid", I64, 0, "parent process id inside its pid namespace", sk_xf_proc_num},
	{"proc.vpgid", I64, 0, "process group id inside the pid namespace", sk_xf_proc_num},
	{"proc.vpgid.name", STR, 0, "name of the process group leader",
	 sk_xf_proc_group_leader, SK_SUB_PROC_NAME},
	{"proc.vpgid.exe", STR, 0, "argv[0] of the process group leader",
	 sk_xf_proc_group_leader, SK_SUB_PROC_EXE},
	{"proc.vpgid.exepath", STR, 0, "executable path of the process group leader",
	 sk_xf_proc_group_leader, SK_SUB_PROC_EXEPATH},
	{"proc.pgid", I64, 0, "process group id (host namespace)", sk_xf_proc_num},
	{"proc.is_sid_leader", BOL, 0, "true when the process leads its session", sk_xf_proc_flag},
	{"proc.is_vpgid_leader", BOL, 0, "true when the process leads its process group", sk_xf_proc_flag},
	{"proc.is_exe_writable", BOL, 0, "true when the executable is writable by the process's user", sk_xf_proc_flag},
	{"proc.is_exe_upper_layer", BOL, 0, "true when the executable lives in an overlayfs upper layer",
	 sk_xf_proc_flag},
	{"proc.is_exe_from_memfd", BOL, 0, "true when the executable is a memfd (fileless execution)", sk_xf_proc_flag},
	{"proc.exe_ino", I64, 0, "inode number of the executable", sk_xf_proc_num},
	{"proc.exe_ino.ctime", ABS, 0, "executable inode's last status change time", sk_xf_proc_num},
	{"proc.exe_ino.mtime", ABS, 0, "executable inode's last modification time", sk_xf_proc_num},
	{"proc.exe_ino.ctime_duration_proc_start", REL, 0, "ns between the executable's ctime and the process start",
	 sk_xf_proc_num},
	{"proc.exe_ino.ctime_duration_pidns_start", REL, 0, "ns between the pid namespace start and the exe's ctime",
	 sk_xf_proc_num},
	{"proc.pidns_init_start_ts", ABS, 0, "start time of the pid namespace's init process", sk_xf_proc_num},
	{"proc.cap_permitted", STR, 0, "permitted capabilities of the process", sk_xf_proc_caps},
	{"proc.cap_inheritable", STR, 0, "inheritable capabilities of the process", sk_xf_proc_caps},
	{"proc.cap_effective", STR, 0, "effective capabilities of the process", sk_xf_proc_caps},
	{"proc.is_container_healthcheck", BOL, 0, "true when the process runs a container health check",
	 sk_xf_proc_flag},
	{"proc.is_container_liveness_probe", BOL, 0, "true when the process runs a Kubernetes liveness probe",
	 sk_xf_proc_flag},
	{"proc.is_container_readiness_probe", BOL, 0, "true when the process runs a Kubernetes readiness probe",
	 sk_xf_proc_flag},
	{"proc.stdin.type", STR, 0, "fd type of the process's stdin", sk_xf_proc_stdio},
	{"proc.stdout.type", STR, 0, "fd type of the process's stdout", sk_xf_proc_stdio},
	{"proc.stderr.type", STR, 0, "fd type of the process's stderr", sk_xf_proc_stdio},
	{"proc.stdin.name", STR, 0, "fd name of the process's stdin", sk_xf_proc_stdio},
	{"proc.stdout.name", STR, 0, "fd name of the process's stdout", sk_xf_proc_stdio},
	{"proc.stderr.name", STR, 0, "fd name of the process's stderr", sk_xf_proc_stdio},

	/* thread */
	{"thread.tid", I64, 0, "thread id (host namespace)", sk_xf_thread_num},
	{"thread.ismain", BOL, 0, "true for the thread group leader", sk_xf_thread_num},
	{"thread.vtid", I64, 0, "thread id inside its pid namespace", sk_xf_thread_num},
	{"thread.exectime", REL, 0, "CPU time the thread last ran (switch events)", sk_xf_thread_exectime},
	{"thread.totexectime", REL, 0, "total CPU time of the thread (switch events)", NULL},
	{"thread.cgroups", STR, 0, "all cgroups of the thread, subsystem=path separated by spaces", sk_xf_thread_cgroup},
	{"thread.cgroup", STR, KEY | REQ, "cgroup path of one subsystem: thread.cgroup.cpuacct", sk_xf_thread_cgroup},
	{"thread.cpu", DBL, 0, "CPU use of the thread (switch events)", NULL},
	{"thread.cpu.user", DBL, 0, "user CPU use of the thread (switch events)", NULL},
	{"thread.cpu.system", DBL, 0, "system CPU use of the thread (switch events)", NULL},
	{"thread.vmsize", U64, 0, "virtual memory of the thread's process in KiB", sk_xf_proc_num},
	{"thread.vmrss", U64, 0, "resident memory of the thread's process in KiB", sk_xf_proc_num},
	{"thread.pfmajor", U64, 0, "major page faults since the thread started", sk_xf_thread_num},
	{"thread.pfminor", U64, 0, "minor page faults since the thread started", sk_xf_thread_num},
	{"thread.cap_permitted", STR, 0, "permitted capabilities, as CAP_X names separated by spaces", sk_xf_proc_caps},
	{"thread.cap_inheritable", STR, 0, "inheritable capabilities, as CAP_X names", sk_xf_proc_caps},
	{"thread.cap_effective", STR, 0, "effective capabilities, as CAP_X names", sk_xf_proc_caps},

	/* user and group */
	{"user.uid", U64, 0, "user id of the thread", sk_xf_user},
	{"user.name", STR, 0, "user name of the thread's uid", sk_xf_user},
	{"user.homedir", STR, 0, "home directory of the user", sk_xf_user},
	{"user.shell", STR, 0, "login shell of the user", sk_xf_user},
	{"user.loginuid", I64, 0, "audit login uid (-1 when not logged in)", sk_xf_user},
	{"user.loginname", STR, 0, "user name of the login uid", sk_xf_user},
	{"group.gid", U64, 0, "group id of the thread", sk_xf_group},
	{"group.name", STR, 0, "group name of the thread's gid", sk_xf_group},

	/* fd: the file descriptor the event acts on */
	{"fd.num", I64, 0, "file descriptor number", sk_xf_fd_num, SK_SUB_FD_NUM},
	{"fd.type", STR, 0, "fd kind: file, directory, ipv4, ipv6, unix, pipe, event, signalfd...",
	 sk_xf_fd_str, SK_SUB_FD_TYPE},
	{"fd.typechar", STR, 0, "fd kind as one letter: f 4 6 u p e s l i b m d o",
	 sk_xf_fd_str, SK_SUB_FD_TYPECHAR},
	{"fd.name", STR, 0, "full path for files, connection tuple for sockets",
	 sk_xf_fd_str, SK_SUB_FD_NAME},
	{"fd.directory", STR, 0, "directory part of a file fd's path", sk_xf_fd_str, SK_SUB_FD_DIRECTORY},
	{"fd.filename", STR, 0, "last component of a file fd's path", sk_xf_fd_str, SK_SUB_FD_FILENAME},
	{"fd.ip", IPA, 0, "client or server address (filters only)", sk_xf_fd_addr},
	{"fd.cip", IPA, 0, "client address", sk_xf_fd_addr},
	{"fd.sip", IPA, 0, "server address", sk_xf_fd_addr},
	{"fd.lip", IPA, 0, "local address", sk_xf_fd_addr},
	{"fd.rip", IPA, 0, "remote address", sk_xf_fd_addr},
	{"fd.port", U64, 0, "client or server port (filters only)", sk_xf_fd_port},
	{"fd.cport", U64, 0, "client port", sk_xf_fd_port},
	{"fd.sport", U64, 0, "server port", sk_xf_fd_port},
	{"fd.lport", U64, 0, "local port", sk_xf_fd_port},
	{"fd.rport", U64, 0, "remote port", sk_xf_fd_port},
	{"fd.l4proto", STR, 0, "transport protocol: tcp, udp, icmp or raw", sk_xf_fd_str, SK_SUB_FD_L4PROTO},
	{"fd.sockfamily", STR, 0, "socket family: ip or unix", sk_xf_fd_str, SK_SUB_FD_SOCKFAMILY},
	{"fd.is_server", BOL, 0, "true when the process owns the server side of the socket", sk_xf_fd_flag},
	{"fd.uid", STR, 0, "unique id of the fd: pid and fd number", sk_xf_fd_str, SK_SUB_FD_UID},
	{"fd.containername", STR, 0, "container id and fd name joined by a colon",
	 sk_xf_fd_str, SK_SUB_FD_CONTAINERNAME},
	{"fd.containerdirectory", STR, 0, "container id and fd directory joined by a colon",
	 sk_xf_fd_str, SK_SUB_FD_CONTAINERDIRECTORY},
	{"fd.proto", U64, 0, "client or server protocol name (filters only)", NULL},
	{"fd.cproto", STR, 0, "protocol name of the client port", NULL},
	{"fd.sproto", STR, 0, "protocol name of the server port", NULL},
	{"fd.lproto", STR, 0, "protocol name of the local port", NULL},
	{"fd.rproto", STR, 0, "protocol name of the remote port", NULL},
	{"fd.net", NET, 0, "client or server network (filters only)", sk_xf_fd_addr},
	{"fd.cnet", NET, 0, "client network", sk_xf_fd_addr},
	{"fd.snet", NET, 0, "server network", sk_xf_fd_addr},
	{"fd.lnet", NET, 0, "local network", sk_xf_fd_addr},
	{"fd.rnet", NET, 0, "remote network", sk_xf_fd_addr},
	{"fd.connected", BOL, 0, "true once the socket is connected", sk_xf_fd_flag},
	{"fd.name_changed", BOL, 0, "true when this event changed the fd's name (connect, accept)", sk_xf_fd_flag},
	{"fd.cip.name", STR, 0, "domain name of the client address", NULL},
	{"fd.sip.name", STR, 0, "domain name of the server address", NULL},
	{"fd.lip.name", STR, 0, "domain name of the local address", NULL},
	{"fd.rip.name", STR, 0, "domain name of the remote address", NULL},
	{"fd.dev", U64, 0, "device number of the file's filesystem", sk_xf_fd_num, SK_SUB_FD_DEV},
	{"fd.dev.major", U64, 0, "major part of fd.dev", sk_xf_fd_num, SK_SUB_FD_DEV_MAJOR},
	{"fd.dev.minor", U64, 0, "minor part of fd.dev", sk_xf_fd_num, SK_SUB_FD_DEV_MINOR},
	{"fd.ino", I64, 0, "inode number of the file", sk_xf_fd_num, SK_SUB_FD_INO},
	{"fd.nameraw", STR, 0, "path as the process passed it, before resolution",
	 sk_xf_fd_str, SK_SUB_FD_NAMERAW},
	{"fd.types", STR, IDX | LST, "distinct types of the process's fds; [N]: the type of fd N", sk_xf_fd_types},

	/* fdlist: poll-style events that carry several fds */
	{"fdlist.nums", STR, 0, "fd numbers of a poll event, comma separated", sk_xf_fdlist},
	{"fdlist.names", STR, 0, "fd names of a poll event, comma separated", sk_xf_fdlist},
	{"fdlist.cips", STR, 0, "client addresses of a poll event's fds", sk_xf_fdlist},
	{"fdlist.sips", STR, 0, "server addresses of a poll event's fds", sk_xf_fdlist},
	{"fdlist.cports", STR, 0, "client ports of a poll event's fds", sk_xf_fdlist},
	{"fdlist.sports", STR, 0, "server ports of a poll event's fds", sk_xf_fdlist},

	/* container */
	{"container.id", STR, 0, "short container id (12 hex digits), 'host' outside containers", sk_xf_container},
	{"container.full_id", STR, 0, "full container id (64 hex digits)", sk_xf_container},
	{"container.name", STR, 0, "container name, 'host' outside containers", sk_xf_container},
	{"container.image", STR, 0, "container image as configured (repository:tag)", sk_xf_container},
	{"container.image.id", STR, 0, "image id (digest of the image config)", sk_xf_container},
	{"container.image.repository", STR, 0, "image repository (without tag or digest)", sk_xf_container},
	{"container.image.tag", STR, 0, "image tag", sk_xf_container},
	{"container.image.digest", STR, 0, "image registry digest", sk_xf_container},
	{"container.type", STR, 0, "runtime: docker, containerd, cri-o, podman...", sk_xf_container},
	{"container.privileged", BOL, 0, "true when the container runs privileged", sk_xf_container},
	{"container.mounts", STR, LST, "mounts as source:dest:mode:rdwr:propagation, comma separated",
	 sk_xf_container_mount},
	{"container.mount", STR, IDX | KEY | REQ, "one mount, by index or by source path", sk_xf_container_mount},
	{"container.mount.source", STR, IDX | KEY | REQ, "mount source, by index or by destination",
	 sk_xf_container_mount},
	{"container.mount.dest", STR, IDX | KEY | REQ, "mount destination, by index or by source",
	 sk_xf_container_mount},
	{"container.mount.mode", STR, IDX | KEY | REQ, "mount mode, by index or by source", sk_xf_container_mount},
	{"container.mount.rdwr", STR, IDX | KEY | REQ, "mount read/write flag, by index or by source",
	 sk_xf_container_mount},
	{"container.mount.propagation", STR, IDX | KEY | REQ, "mount propagation, by index or by source",
	 sk_xf_container_mount},
	{"container.label", STR, KEY | REQ, "one container label, by key", sk_xf_container_label},
	{"container.labels", STR, 0, "all container labels as key:value, comma separated", sk_xf_container_label},
	{"container.start_ts", ABS, 0, "container start time, ns since the epoch", sk_xf_container},
	{"container.duration", REL, 0, "ns since the container started", sk_xf_container},
	{"container.ip", STR, 0, "container's primary IP address", sk_xf_container},
	{"container.cni.json", STR, 0, "CNI result of the pod sandbox as JSON", NULL},
	{"container.host_pid", BOL, 0, "true when the container shares the host pid namespace", sk_xf_container},
	{"container.host_network", BOL, 0, "true when the container shares the host network", sk_xf_container},
	{"container.host_ipc", BOL, 0, "true when the container shares the host IPC namespace", sk_xf_container},
	{"container.healthcheck", STR, 0, "health check command of the container", sk_xf_container},
	{"container.liveness_probe", STR, 0, "liveness probe command of the container", NULL},
	{"container.readiness_probe", STR, 0, "readiness probe command of the container", NULL},
	{"container.memory_limit", U64, 0, "memory limit in bytes, 0 when unlimited", sk_xf_container},
	{"container.cpu_shares", U64, 0, "CPU shares of the container", sk_xf_container},
	{"container.user", STR, 0, "user the container runs as", sk_xf_container},

	/* Kubernetes, as the runtime's pod annotations and labels tell it */
	{"k8s.pod.name", STR, 0, "pod name", sk_xf_k8s},
	{"k8s.pod.id", STR, 0, "pod uid (same as k8s.pod.uid)", sk_xf_k8s},
	{"k8s.pod.uid", STR, 0, "pod uid", sk_xf_k8s},
	{"k8s.pod.label", STR, KEY | REQ, "one pod label, by key", sk_xf_k8s_label},
	{"k8s.pod.labels", STR, 0, "all pod labels as key:value, comma separated", sk_xf_k8s_label},
	{"k8s.pod.ip", STR, 0, "pod IP address", NULL},
	{"k8s.pod.cni.json", STR, 0, "CNI result of the pod as JSON", NULL},
	{"k8s.pod.sandbox_id", STR, 0, "short id of the pod sandbox container", sk_xf_k8s},
	{"k8s.pod.full_sandbox_id", STR, 0, "full id of the pod sandbox container", sk_xf_k8s},
	{"k8s.ns.name", STR, 0, "namespace of the pod", sk_xf_k8s},
	/* Deprecated in Falco (its container plugin keeps the names and extracts
	 * nothing): older rules that name them load, and print <NA>. */
	{"k8s.rc.name", STR, 0, "deprecated (Falco's k8smeta plugin has it): no value", NULL},
	{"k8s.rc.id", STR, 0, "deprecated: no value", NULL},
	{"k8s.rc.label", STR, KEY | REQ, "deprecated: no value", NULL},
	{"k8s.rc.labels", STR, 0, "deprecated: no value", NULL},
	{"k8s.svc.name", STR, 0, "deprecated (Falco's k8smeta plugin has it): no value", NULL},
	{"k8s.svc.id", STR, 0, "deprecated: no value", NULL},
	{"k8s.svc.label", STR, KEY | REQ, "deprecated: no value", NULL},
	{"k8s.svc.labels", STR, 0, "deprecated: no value", NULL},
	{"k8s.ns.id", STR, 0, "deprecated: no value", NULL},
	{"k8s.ns.label", STR, KEY | REQ, "deprecated: no value", NULL},
	{"k8s.ns.labels", STR, 0, "deprecated: no value", NULL},
	{"k8s.rs.name", STR, 0, "deprecated (Falco's k8smeta plugin has it): no value", NULL},
	{"k8s.rs.id", STR, 0, "deprecated: no value", NULL},
	{"k8s.rs.label", STR, KEY | REQ, "deprecated: no value", NULL},
	{"k8s.rs.labels", STR, 0, "deprecated: no value", NULL},
	{"k8s.deployment.name", STR, 0, "deprecated (Falco's k8smeta plugin has it): no value", NULL},
	{"k8s.deployment.id", STR, 0, "deprecated: no value", NULL},
	{"k8s.deployment.label", STR, KEY | REQ, "deprecated: no value", NULL},
	{"k8s.deployment.labels", STR, 0, "deprecated: no value", NULL},
};
#pragma GCC diagnostic pop

#define FIELD_COUNT (sizeof(field_table) / sizeof(field_table[0]))

/* Indexes into field_table sorted by name, for bsearch. */
static uint16_t sorted_index[FIELD_COUNT];
static pthread_once_t sorted_once = PTHREAD_ONCE_INIT;

static int compare_by_name(const void *a, const void *b)
{
	const sk_field_def *fa = &field_table[*(const uint16_t *)a];
	const sk_field_def *fb = &field_table[*(const uint16_t *)b];
	return strcmp(fa->name, fb->name);
}

static void build_sorted_index(void)
{
	for (size_t i = 0; i < FIELD_COUNT; i++) {
		sorted_index[i] = (uint16_t)i;
	}
	qsort(sorted_index, FIELD_COUNT, sizeof(sorted_index[0]), compare_by_name);
}

/* Compares a length-delimited name against a NUL-terminated one. */
static int compare_name(const char *name, size_t name_len, const char *table_name)
{
	size_t table_len = strlen(table_name);
	size_t n = name_len < table_len ? name_len : table_len;
	int c = memcmp(name, table_name, n);
	if (c != 0) {
		return c;
	}
	return name_len < table_len ? -1 : (name_len > table_len ? 1 : 0);
}

const sk_field_def *sk_field_lookup(const char *name, size_t name_len)
{
	if (name == NULL) {
		return NULL;
	}
	pthread_once(&sorted_once, build_sorted_index);
	size_t lo = 0;
	size_t hi = FIELD_COUNT;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const sk_field_def *def = &field_table[sorted_index[mid]];
		int c = compare_name(name, name_len, def->name);
		if (c == 0) {
			return def;
		}
		if (c < 0) {
			hi = mid;
		} else {
			lo = mid + 1;
		}
	}
	return NULL;
}

const sk_field_def *sk_field_table(size_t *count)
{
	if (count != NULL) {
		*count = FIELD_COUNT;
	}
	return field_table;
}

const char *sk_ftype_name(sk_ftype type)
{
	static const char *const names[SK_FT_COUNT] = {
		[SK_FT_STRING] = "CHARBUF", [SK_FT_BYTES] = "BYTEBUF", [SK_FT_INT64] = "INT64",
		[SK_FT_UINT64] = "UINT64",  [SK_FT_BOOL] = "BOOL",     [SK_FT_DOUBLE] = "DOUBLE",
		[SK_FT_IPADDR] = "IPADDR",  [SK_FT_IPNET] = "IPNET",   [SK_FT_ABSTIME] = "ABSTIME",
		[SK_FT_RELTIME] = "RELTIME",
	};
	if ((unsigned)type >= SK_FT_COUNT) {
		return "UNKNOWN";
	}
	return names[type];
}
