# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'setup_contacts.ui'
##
## Created by: Qt User Interface Compiler version 6.12.0
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QApplication, QFrame, QScrollArea, QSizePolicy,
    QVBoxLayout, QWidget, QWizardPage)

class Ui_SetupContactsPage(object):
    def setupUi(self, SetupContactsPage):
        if not SetupContactsPage.objectName():
            SetupContactsPage.setObjectName(u"SetupContactsPage")
        self.mainLayout = QVBoxLayout(SetupContactsPage)
        self.mainLayout.setObjectName(u"mainLayout")
        self.contactsArea = QScrollArea(SetupContactsPage)
        self.contactsArea.setObjectName(u"contactsArea")
        self.contactsArea.setFocusPolicy(Qt.NoFocus)
        self.contactsArea.setWidgetResizable(True)
        self.contactsArea.setFrameShape(QFrame.NoFrame)
        self.contactsHolder = QWidget()
        self.contactsHolder.setObjectName(u"contactsHolder")
        self.contactsLayout = QVBoxLayout(self.contactsHolder)
        self.contactsLayout.setObjectName(u"contactsLayout")
        self.contactsLayout.setContentsMargins(0, 0, 0, 0)
        self.contactsArea.setWidget(self.contactsHolder)

        self.mainLayout.addWidget(self.contactsArea)


        self.retranslateUi(SetupContactsPage)

        QMetaObject.connectSlotsByName(SetupContactsPage)
    # setupUi

    def retranslateUi(self, SetupContactsPage):
        SetupContactsPage.setTitle(QCoreApplication.translate("SetupContactsPage", u"Who you ring", None))
        SetupContactsPage.setSubTitle(QCoreApplication.translate("SetupContactsPage", u"Local contacts appear in the incident steps exactly where you need them. Fill in what you know; you can finish them later in Settings.", None))
    # retranslateUi

