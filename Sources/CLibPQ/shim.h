#ifndef SHEBAO_CLIBPQ_SHIM_H
#define SHEBAO_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
