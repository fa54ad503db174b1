/* fields_internal.h: extractor entry points the registry refers to.
 * First step: none is implemented yet, so every field reads as <NA>. */
#ifndef SK_FIELDS_INTERNAL_H
#define SK_FIELDS_INTERNAL_H

#define sk_x_container NULL
#define sk_x_container_label NULL
#define sk_x_container_mount NULL
#define sk_x_evt_abspath NULL
#define sk_x_evt_arg NULL
#define sk_x_evt_args NULL
#define sk_x_evt_buffer NULL
#define sk_x_evt_category NULL
#define sk_x_evt_count NULL
#define sk_x_evt_cpu NULL
#define sk_x_evt_deltatime NULL
#define sk_x_evt_dir NULL
#define sk_x_evt_hostname NULL
#define sk_x_evt_is NULL
#define sk_x_evt_is_async NULL
#define sk_x_evt_is_open NULL
#define sk_x_evt_latency NULL
#define sk_x_evt_num NULL
#define sk_x_evt_rawarg NULL
#define sk_x_evt_res NULL
#define sk_x_evt_source NULL
#define sk_x_evt_time NULL
#define sk_x_evt_time_num NULL
#define sk_x_evt_type NULL
#define sk_x_evt_type_is NULL
#define sk_x_fd_addr NULL
#define sk_x_fd_flag NULL
#define sk_x_fd_num NULL
#define sk_x_fd_port NULL
#define sk_x_fd_str NULL
#define sk_x_group NULL
#define sk_x_k8s NULL
#define sk_x_k8s_label NULL
#define sk_x_proc_ancestor NULL
#define sk_x_proc_caps NULL
#define sk_x_proc_env NULL
#define sk_x_proc_flag NULL
#define sk_x_proc_leader NULL
#define sk_x_proc_num NULL
#define sk_x_proc_parent NULL
#define sk_x_proc_stdio NULL
#define sk_x_proc_str NULL
#define sk_x_syscall_type NULL
#define sk_x_thread_cgroup NULL
#define sk_x_thread_num NULL
#define sk_x_user NULL

#endif
