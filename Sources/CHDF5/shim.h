// The HDF5 C library for ReverieSONATA, the only target that links it. HDF5's
// property lists, types and flags (H5P_DEFAULT, H5T_NATIVE_DOUBLE, H5F_ACC_RDONLY,
// ...) are macros, some over global ids that need H5open(), which Swift cannot
// import: these functions return them. This is the only file that includes hdf5.h.
#ifndef REVERIE_HDF5_SHIM_H
#define REVERIE_HDF5_SHIM_H
#include <hdf5.h>
#include <string.h>

static inline hid_t rv_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t rv_h5s_all(void) { return H5S_ALL; }
static inline hid_t rv_h5p_link_create(void) { return H5P_LINK_CREATE; }
static inline hid_t rv_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t rv_h5p_group_create(void) { return H5P_GROUP_CREATE; }
static inline hid_t rv_h5p_file_create(void) { return H5P_FILE_CREATE; }
static inline unsigned rv_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned rv_h5f_acc_excl(void) { return H5F_ACC_EXCL; }
static inline size_t rv_h5t_variable(void) { return H5T_VARIABLE; }

// Memory (native) types.
static inline hid_t rv_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t rv_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t rv_h5t_native_uint64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t rv_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t rv_h5t_native_uint32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t rv_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
// File types, little-endian as the SONATA conventions name them.
static inline hid_t rv_h5t_ieee_f64le(void) { return H5T_IEEE_F64LE; }
static inline hid_t rv_h5t_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t rv_h5t_std_u64le(void) { return H5T_STD_U64LE; }
static inline hid_t rv_h5t_std_i64le(void) { return H5T_STD_I64LE; }
static inline hid_t rv_h5t_std_u32le(void) { return H5T_STD_U32LE; }
static inline hid_t rv_h5t_std_u8le(void) { return H5T_STD_U8LE; }
static inline hid_t rv_h5t_c_s1(void) { return H5T_C_S1; }

/// Stops HDF5 printing its error stack to stderr: failures are reported by the caller.
static inline void rv_h5_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

static herr_t rv_h5_innermost(unsigned n, const H5E_error2_t *e, void *data) {
    // The walk goes from the innermost call outwards: keep the first description.
    char *out = (char *)data;
    if (n == 0 && e->desc) { strncpy(out, e->desc, 255); out[255] = 0; }
    return 0;
}

/// The innermost message of the current error stack (into a 256-byte buffer), then clears it.
static inline void rv_h5_last_error(char *out) {
    out[0] = 0;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, rv_h5_innermost, out);
    H5Eclear2(H5E_DEFAULT);
}

/// The type of the object at `name` relative to `loc` (H5O_TYPE_UNKNOWN if there is none).
static inline H5O_type_t rv_h5_object_type(hid_t loc, const char *name) {
#if H5_VERSION_GE(1, 12, 0)
    H5O_info2_t info;
    if (H5Oget_info_by_name3(loc, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return H5O_TYPE_UNKNOWN;
#elif H5_VERSION_GE(1, 10, 3)
    H5O_info_t info;
    if (H5Oget_info_by_name2(loc, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return H5O_TYPE_UNKNOWN;
#else
    H5O_info_t info;
    if (H5Oget_info_by_name(loc, name, &info, H5P_DEFAULT) < 0) return H5O_TYPE_UNKNOWN;
#endif
    return info.type;
}
/// Frees the strings HDF5 allocated when reading variable-length strings into `buffer`.
static inline void rv_h5_reclaim(hid_t type, hid_t space, void *buffer) {
#if H5_VERSION_GE(1, 12, 0)
    H5Treclaim(type, space, H5P_DEFAULT, buffer);
#else
    H5Dvlen_reclaim(type, space, H5P_DEFAULT, buffer);
#endif
}
#endif
