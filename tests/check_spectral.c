/* placeholder: implemented next */
int main(void) { return 77; }
