/* nomust.c: fixture: says what it owns, not what it keeps away from */
int nomust;
