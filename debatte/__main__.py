from debatte.cli import main

main()
