/* the file is not named here */
int noname;
