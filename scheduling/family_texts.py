"""The family's own page, in the family's language (the same five as the reminders)."""

from __future__ import annotations

PAGE_TEXTS: dict[str, dict[str, str]] = {
    "eng": {
        "title": "Your dates",
        "next": "Your next dates",
        "none": "No upcoming dates.",
        "who": "Who must go",
        "where": "Where",
        "video": "By video",
        "open_video": "Open the video link",
        "bring": "What to bring",
        "bring_hearing": "Your hearing notice, an ID or passport, and every paper for your case. Arrive 30 minutes early.",
        "bring_check_in": "Your ID and the papers from your last check-in.",
        "bring_appointment": "Your appointment notice and an ID.",
        "add": "Add to my calendar",
        "confirm": "Always confirm your court date with the immigration court's information line, "
        "1-800-898-7180, or its case status page:",
        "call": "Questions? Call",
        "interpreter": "Interpreter",
        "changed": "This page always shows the latest dates.",
    },
    "spa": {
        "title": "Sus citas",
        "next": "Sus próximas citas",
        "none": "No tiene citas próximas.",
        "who": "Quién debe ir",
        "where": "Dónde",
        "video": "Por video",
        "open_video": "Abrir el enlace del video",
        "bring": "Qué llevar",
        "bring_hearing": "Su aviso de audiencia, una identificación o pasaporte y todos los papeles de su caso. "
        "Llegue 30 minutos antes.",
        "bring_check_in": "Su identificación y los papeles de su último reporte.",
        "bring_appointment": "Su aviso de cita y una identificación.",
        "add": "Agregar a mi calendario",
        "confirm": "Confirme siempre su fecha con la línea de información de la corte de inmigración, "
        "1-800-898-7180, o en su página de estado de casos:",
        "call": "¿Preguntas? Llame al",
        "interpreter": "Intérprete",
        "changed": "Esta página siempre muestra las fechas más recientes.",
    },
    "hat": {
        "title": "Randevou ou yo",
        "next": "Pwochen randevou ou yo",
        "none": "Ou pa gen randevou k ap vini.",
        "who": "Ki moun ki dwe ale",
        "where": "Ki kote",
        "video": "Pa videyo",
        "open_video": "Louvri lyen videyo a",
        "bring": "Sa pou w pote",
        "bring_hearing": "Avi odyans ou, yon pyès idantite oswa paspò, ak tout papye dosye w. Rive 30 minit davans.",
        "bring_check_in": "Pyès idantite w ak papye dènye randevou w.",
        "bring_appointment": "Avi randevou w ak yon pyès idantite.",
        "add": "Mete l nan kalandriye m",
        "confirm": "Toujou verifye dat ou ak liy enfòmasyon tribinal imigrasyon an, 1-800-898-7180, "
        "oswa sou paj estati dosye a:",
        "call": "Kesyon? Rele",
        "interpreter": "Entèprèt",
        "changed": "Paj sa a toujou montre dènye dat yo.",
    },
    "fra": {
        "title": "Vos rendez-vous",
        "next": "Vos prochains rendez-vous",
        "none": "Aucun rendez-vous à venir.",
        "who": "Qui doit y aller",
        "where": "Où",
        "video": "Par vidéo",
        "open_video": "Ouvrir le lien vidéo",
        "bring": "À apporter",
        "bring_hearing": "Votre convocation, une pièce d'identité ou un passeport et tous les papiers de votre dossier. "
        "Arrivez 30 minutes en avance.",
        "bring_check_in": "Votre pièce d'identité et les papiers de votre dernier pointage.",
        "bring_appointment": "Votre convocation et une pièce d'identité.",
        "add": "Ajouter à mon calendrier",
        "confirm": "Vérifiez toujours votre date auprès de la ligne d'information du tribunal de l'immigration, "
        "1-800-898-7180, ou sur sa page d'état des dossiers :",
        "call": "Des questions ? Appelez le",
        "interpreter": "Interprète",
        "changed": "Cette page montre toujours les dates les plus récentes.",
    },
    "por": {
        "title": "Seus compromissos",
        "next": "Seus próximos compromissos",
        "none": "Nenhum compromisso próximo.",
        "who": "Quem deve ir",
        "where": "Onde",
        "video": "Por vídeo",
        "open_video": "Abrir o link do vídeo",
        "bring": "O que levar",
        "bring_hearing": "Seu aviso de audiência, um documento de identidade ou passaporte e todos os papéis do seu caso. "
        "Chegue 30 minutos antes.",
        "bring_check_in": "Seu documento de identidade e os papéis do seu último comparecimento.",
        "bring_appointment": "Seu aviso de agendamento e um documento de identidade.",
        "add": "Adicionar ao meu calendário",
        "confirm": "Sempre confirme sua data na linha de informações do tribunal de imigração, 1-800-898-7180, "
        "ou na página de situação do caso:",
        "call": "Dúvidas? Ligue",
        "interpreter": "Intérprete",
        "changed": "Esta página sempre mostra as datas mais recentes.",
    },
}

HTML_LANG = {"eng": "en", "spa": "es", "hat": "ht", "fra": "fr", "por": "pt"}
LANGUAGE_NAMES = {"eng": "English", "spa": "Español", "hat": "Kreyòl", "fra": "Français", "por": "Português"}
EOIR_CASE_STATUS = "https://acis.eoir.justice.gov/"
