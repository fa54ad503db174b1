/* scap_ids.h: the public scap event type numbers the state reacts to.
 *
 * Facts of the file format (enter = even, exit = odd for syscall pairs);
 * the decoder's table names them, the state only needs the numbers. */
#ifndef SK_SCAP_IDS_H
#define SK_SCAP_IDS_H

enum {
	SK_EV_OPEN_X = 3,
	SK_EV_CLOSE_E = 4,
	SK_EV_CLOSE_X = 5,
	SK_EV_PROCEXIT_E = 16,
	SK_EV_SOCKET_E = 18,
	SK_EV_SOCKET_X = 19,
	SK_EV_BIND_E = 20,
	SK_EV_BIND_X = 21,
	SK_EV_CONNECT_E = 22,
	SK_EV_CONNECT_X = 23,
	SK_EV_LISTEN_E = 24,
	SK_EV_ACCEPT_X = 27,
	SK_EV_SOCKETPAIR_X = 43,
	SK_EV_ACCEPT4_X = 57,
	SK_EV_CREAT_X = 59,
	SK_EV_PIPE_X = 61,
	SK_EV_EVENTFD_X = 63,
	SK_EV_CHDIR_X = 95,
	SK_EV_FCHDIR_E = 96,
	SK_EV_FCHDIR_X = 97,
	SK_EV_OPENAT_E = 102,
	SK_EV_OPENAT_X = 103,
	SK_EV_DUP_E = 124,
	SK_EV_DUP_X = 125,
	SK_EV_SIGNALFD_X = 127,
	SK_EV_TIMERFD_CREATE_X = 137,
	SK_EV_INOTIFY_INIT_X = 139,
	SK_EV_FCNTL_E = 150,
	SK_EV_FCNTL_X = 151,
	SK_EV_SCHEDSWITCH_6_E = 152,
	SK_EV_PROCEXIT_1_E = 186,
	SK_EV_SETRESUID_E = 192,
	SK_EV_SETRESUID_X = 193,
	SK_EV_SETRESGID_E = 194,
	SK_EV_SETRESGID_X = 195,
	SK_EV_SETUID_E = 198,
	SK_EV_SETUID_X = 199,
	SK_EV_SETGID_E = 200,
	SK_EV_SETGID_X = 201,
	SK_EV_CLONE_20_X = 223,
	SK_EV_FORK_20_X = 225,
	SK_EV_VFORK_20_X = 227,
	SK_EV_EXECVE_16_X = 231,
	SK_EV_SIGNALDELIVER_E = 232,
	SK_EV_ACCEPT_5_X = 247,
	SK_EV_ACCEPT4_5_X = 249,
	SK_EV_SETSID_X = 275,
	SK_EV_EXECVE_17_X = 283,
	SK_EV_EXECVE_18_X = 289,
	SK_EV_PAGE_FAULT_E = 290,
	SK_EV_EXECVE_19_X = 293,
	SK_EV_SETPGID_X = 295,
	SK_EV_OPENAT_2_X = 307,
	SK_EV_USERFAULTFD_X = 321,
	SK_EV_OPENAT2_X = 327,
	SK_EV_EXECVEAT_X = 331,
	SK_EV_CLONE3_X = 335,
	SK_EV_OPEN_BY_HANDLE_AT_X = 337,
	/* Meta events: users and groups of the host or of a container. */
	SK_EV_USERADDED_E = 354,
	SK_EV_USERDELETED_E = 356,
	SK_EV_GROUPADDED_E = 358,
	SK_EV_GROUPDELETED_E = 360,
	/* Layouts of newer libs (exit events carry the fds themselves). */
	SK_EV_DUP2_X = 363,
	SK_EV_DUP3_X = 365,
	SK_EV_DUP_1_X = 367,
	SK_EV_EPOLL_CREATE_X = 375,
	SK_EV_EPOLL_CREATE1_X = 377,
	SK_EV_ACCEPT4_6_X = 389,
	SK_EV_PIPE2_X = 393,
	SK_EV_INOTIFY_INIT1_X = 395,
	SK_EV_EVENTFD2_X = 397,
	SK_EV_SIGNALFD4_X = 399,
	SK_EV_MEMFD_CREATE_X = 405,
	SK_EV_PIDFD_OPEN_X = 409,
};

/* scap open flags (FLAGS32 of open/openat). */
enum {
	SK_O_RDONLY = 1 << 0,
	SK_O_WRONLY = 1 << 1,
	SK_O_CREAT = 1 << 2,
	SK_O_DIRECTORY = 1 << 10,
	SK_O_TMPFILE = 1 << 13,
};

/* scap clone flags used by the thread table. */
enum {
	SK_CL_CLONE_FILES = 1 << 0,
	SK_CL_CLONE_THREAD = 1 << 13,
};

/* scap socket families. */
enum {
	SK_AF_UNIX = 1,
	SK_AF_INET = 2,
	SK_AF_INET6 = 10,
	SK_AF_NETLINK = 16,
};

#define SK_AT_FDCWD (-100)

#endif
