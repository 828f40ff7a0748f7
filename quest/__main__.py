from quest.cli import main

main()
