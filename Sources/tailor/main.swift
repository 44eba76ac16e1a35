import TailorCommands

await TailorCommand.main()
