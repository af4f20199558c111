/* burst.c: the CPU credit model of burstable types (see burst.h).  It must
 * not read files or prices (the importers and the sizer do). */
#include "burst.h"

#include <math.h>

bool xb_burst_fits(const struct xb_cat_row *type, const double *use_vcpu,
                   const double *len_s, size_t n, double *min_balance)
{
    double base_vcpu = type->burst_baseline_pct / 100.0 * type->vcpu;
    if (isnan(type->burst_credits_per_hour)) {
        double spare = INFINITY;
        for (size_t i = 0; i < n; i++)
            spare = fmin(spare, base_vcpu - use_vcpu[i]);
        *min_balance = n ? spare : 0;
        return !(spare < -1e-12);
    }
    double bal = type->burst_initial_credits, low = bal, earned = 0, spent = 0;
    for (size_t i = 0; i < n; i++) {
        double earn = type->burst_credits_per_hour * len_s[i] / 3600.0;
        double spend = use_vcpu[i] * len_s[i] / 60.0;
        earned += earn;
        spent += spend;
        bal = fmin(bal + earn - spend, type->burst_max_credits);
        low = fmin(low, bal);
        if (bal < -1e-9) {
            *min_balance = bal;
            return false;
        }
    }
    *min_balance = low;
    /* The history repeated must not drain the balance either. */
    return spent <= earned + 1e-9;
}
