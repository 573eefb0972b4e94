from werkstatt.cli import main

main()
