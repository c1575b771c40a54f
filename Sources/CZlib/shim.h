// The system zlib (DEFLATE and CRC-32 for .npz and PyTorch archives); Debian/Ubuntu: zlib1g-dev.
#include <zlib.h>
