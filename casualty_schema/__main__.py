from casualty_schema.cli import main

main()
