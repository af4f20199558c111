/* s.c: fixture: a folder on no floor; it must not be found on a floor */
int s;
