/* Helper: the smallest glibc program, for exec loops. */
int main(void)
{
    return 0;
}
